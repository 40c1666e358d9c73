// The request form's fields, generated from a template's parameters and its
// parameterSchema, with the same rules the API applies (so the messages the
// user sees as they type are the ones the API would answer).
import type { JsonSchema, Template, TemplateParameter } from "./types";

export interface FieldSpec {
  name: string;
  label: string;
  help: string;
  placeholder?: string;
  /** input: the HTML control: a text box, a number, a checkbox, or the team list. */
  input: "text" | "number" | "checkbox" | "team";
  required: boolean;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  defaultValue?: unknown;
}

/** fieldsOf lists the form fields of a template, in the template's order. */
export function fieldsOf(template: Template): FieldSpec[] {
  const schema = template.parameterSchema ?? {};
  const required = new Set(schema.required ?? []);
  return template.parameters.map((parameter) =>
    fieldOf(
      parameter,
      schema.properties?.[parameter.name] ?? {},
      required.has(parameter.name),
    ),
  );
}

function fieldOf(
  parameter: TemplateParameter,
  schema: JsonSchema,
  required: boolean,
): FieldSpec {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  let input: FieldSpec["input"] = "text";
  if (parameter.widget === "team") input = "team";
  else if (
    parameter.type === "number" ||
    type === "number" ||
    type === "integer"
  )
    input = "number";
  else if (parameter.type === "bool" || type === "boolean") input = "checkbox";
  return {
    name: parameter.name,
    label: parameter.label || parameter.name,
    help: parameter.help,
    placeholder: parameter.placeholder,
    input,
    required,
    pattern: schema.pattern ?? parameter.pattern,
    minLength: schema.minLength,
    maxLength: schema.maxLength,
    defaultValue: parameter.defaultValue ?? schema.default,
  };
}

/**
 * checkField answers what is wrong with a value, in words, or "" when it
 * fits. An empty optional field is left out of the request (the template's
 * default applies).
 */
export function checkField(field: FieldSpec, raw: string | boolean): string {
  if (field.input === "checkbox") return "";
  const value = String(raw ?? "");
  if (value === "") return field.required ? `${field.label} is required.` : "";
  if (field.input === "number") {
    return Number.isFinite(Number(value))
      ? ""
      : `${field.label} must be a number.`;
  }
  if (field.minLength !== undefined && value.length < field.minLength) {
    return `${field.label} needs at least ${field.minLength} characters.`;
  }
  if (field.maxLength !== undefined && value.length > field.maxLength) {
    return `${field.label} takes at most ${field.maxLength} characters.`;
  }
  if (field.pattern && !new RegExp(field.pattern, "u").test(value)) {
    return `${field.label} does not fit: ${field.help || "it must match " + field.pattern}`;
  }
  return "";
}

/** parametersOf builds a request's `parameters`: typed values, empty optional fields left out. */
export function parametersOf(
  fields: FieldSpec[],
  values: Record<string, string | boolean>,
): Record<string, unknown> {
  const parameters: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = values[field.name];
    if (field.input === "checkbox") {
      parameters[field.name] = Boolean(raw);
      continue;
    }
    if (raw === undefined || raw === "") continue;
    parameters[field.name] =
      field.input === "number" ? Number(raw) : String(raw);
  }
  return parameters;
}

/** The application name: the API's rule for the workflow id's prefix. */
export const applicationNamePattern = "^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$";

export function checkApplicationName(name: string): string {
  if (name === "") return "Application name is required.";
  if (!new RegExp(applicationNamePattern).test(name)) {
    return "Application name must be 3 to 63 lowercase letters, digits or hyphens, starting and ending with a letter or digit.";
  }
  return "";
}
