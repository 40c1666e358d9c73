import { describe, expect, it } from "vitest";
import {
  checkApplicationName,
  checkField,
  fieldsOf,
  parametersOf,
} from "./parameters";
import type { Template } from "./types";

// static-site as GET /api/templates/static-site shows it.
const staticSite: Template = {
  name: "static-site",
  title: "Static website on S3",
  description: "",
  parameters: [
    {
      name: "bucket_name",
      label: "Bucket name",
      help: "3 to 63 lowercase letters, digits, dots or hyphens; unique.",
      widget: "text",
      type: "string",
      required: true,
      pattern: "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
    },
    {
      name: "team",
      label: "Team",
      help: "",
      widget: "team",
      type: "string",
      required: true,
    },
    {
      name: "greeting",
      label: "Heading",
      help: "",
      widget: "text",
      type: "string",
      required: false,
      defaultValue: "Hello from Provisio",
    },
  ],
  approval: { roles: ["platform-admin"], count: 1, selfApproval: false },
  stateful: ["s3_bucket.site"],
  parameterSchema: {
    type: "object",
    properties: {
      bucket_name: {
        type: "string",
        pattern: "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
      },
      team: { type: "string" },
      greeting: { type: "string", default: "Hello from Provisio" },
    },
    required: ["bucket_name", "team"],
    additionalProperties: false,
  },
};

describe("fieldsOf", () => {
  it("makes one field per parameter, required from the schema, the team as a list", () => {
    const fields = fieldsOf(staticSite);
    expect(
      fields.map((field) => [field.name, field.input, field.required]),
    ).toEqual([
      ["bucket_name", "text", true],
      ["team", "team", true],
      ["greeting", "text", false],
    ]);
    expect(fields[2].defaultValue).toBe("Hello from Provisio");
  });
});

describe("checkField", () => {
  const [bucket, , greeting] = fieldsOf(staticSite);

  it("asks for a required value and leaves an optional one alone", () => {
    expect(checkField(bucket, "")).toBe("Bucket name is required.");
    expect(checkField(greeting, "")).toBe("");
  });

  it("applies the template's pattern and says the template's help", () => {
    expect(checkField(bucket, "Bad_Name")).toContain(
      "3 to 63 lowercase letters",
    );
    expect(checkField(bucket, "good.name-1")).toBe("");
  });

  it("checks numbers and lengths", () => {
    const number = {
      name: "n",
      label: "Size",
      help: "",
      input: "number" as const,
      required: true,
    };
    expect(checkField(number, "12")).toBe("");
    expect(checkField(number, "twelve")).toBe("Size must be a number.");
    const short = {
      name: "s",
      label: "Code",
      help: "",
      input: "text" as const,
      required: true,
      maxLength: 2,
    };
    expect(checkField(short, "abc")).toBe("Code takes at most 2 characters.");
  });
});

describe("parametersOf", () => {
  it("leaves empty optional fields out so the template's default applies", () => {
    const fields = fieldsOf(staticSite);
    expect(
      parametersOf(fields, {
        bucket_name: "b1",
        team: "payments",
        greeting: "",
      }),
    ).toEqual({
      bucket_name: "b1",
      team: "payments",
    });
  });
});

describe("checkApplicationName", () => {
  it("uses the API's rule", () => {
    expect(checkApplicationName("docs-site")).toBe("");
    expect(checkApplicationName("-x")).toContain("3 to 63");
    expect(checkApplicationName("")).toBe("Application name is required.");
  });
});
