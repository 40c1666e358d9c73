/**
 * OpenTofu's diagnostics as typed Temporal failures.
 *
 * | type                   | when                                              | retried |
 * |------------------------|---------------------------------------------------|---------|
 * | StalePlan              | the saved plan no longer matches the state        | no      |
 * | PlanNotFound           | no stored plan has the hash, or it fails its hash | no      |
 * | InvalidConfiguration   | the template or a parameter is wrong              | no      |
 * | StateLocked            | another run holds the stack's state lock          | yes     |
 * | TransientError         | a connection, timeout or throttling error         | yes     |
 * | TofuFailed             | anything else tofu reports                        | yes     |
 *
 * Every failure carries its diagnostics as details: severity, summary,
 * detail, resource address, file and line where tofu gave them.
 */
import { ApplicationFailure } from "@temporalio/common";
import type { JsonDiagnostic } from "./events";

/** Diagnostic: one of tofu's errors or warnings, flattened. */
export interface Diagnostic {
  severity: string;
  summary: string;
  detail: string;
  address?: string;
  file?: string;
  line?: number;
  /** Variables the diagnostic is about (var.NAME), from tofu's snippet. */
  variables?: string[];
}

export function fromJsonDiagnostic(d: JsonDiagnostic): Diagnostic {
  const result: Diagnostic = {
    severity: d.severity,
    summary: d.summary,
    detail: d.detail ?? "",
    ...(d.address ? { address: d.address } : {}),
    ...(d.range?.filename ? { file: d.range.filename } : {}),
    ...(d.range?.start?.line ? { line: d.range.start.line } : {}),
  };
  const variables = (d.snippet?.values ?? [])
    .map((v) => v.traversal)
    .filter((t) => t.startsWith("var."));
  if (variables.length > 0) result.variables = [...new Set(variables)];
  return result;
}

/**
 * diagnosticsFromText: the errors of tofu's human-readable output (init and
 * the other commands that have no -json): "Error: SUMMARY", an optional
 * "on FILE line N" and the detail up to the next blank-separated error.
 */
export function diagnosticsFromText(text: string): Diagnostic[] {
  const result: Diagnostic[] = [];
  const blocks = text.replace(/\r/g, "").split(/^(?=(?:│ )?Error: )/m);
  for (const block of blocks) {
    const lines = block.split("\n").map((l) => l.replace(/^│ ?/, ""));
    const head = /^Error: (.*)$/.exec(lines[0] ?? "");
    if (!head) continue;
    const location = /on (\S+) line (\d+)/.exec(block);
    const body = lines
      .slice(1)
      .filter((l) => !/^\s*on \S+ line \d+/.test(l))
      .join("\n")
      .trim();
    result.push({
      severity: "error",
      summary: head[1].trim(),
      detail: body,
      ...(location ? { file: location[1], line: Number(location[2]) } : {}),
    });
  }
  return result;
}

const TRANSIENT =
  /connection refused|connection reset|timeout|timed out|temporar|throttl|rate exceeded|slowdown|slow down|too many requests|service unavailable|\b503\b|\b429\b|no such host|broken pipe/i;
const INVALID =
  /^(Invalid |Unsupported |Missing required|Reference to undeclared|No value for required variable|Argument or block definition required|Unknown variable|Undeclared|Duplicate |Variables not allowed|Incorrect attribute value type|Unsuitable value type|Error in function call|Call to unknown function|Failed to read file|Module not installed|Unreadable module)/;

/**
 * failureFor: the typed failure for a failed tofu command. `what` says what
 * failed (for example "tofu plan for stack team-a-docs").
 */
export function failureFor(
  what: string,
  diagnostics: Diagnostic[],
  fallbackText: string,
): ApplicationFailure {
  const errors = diagnostics.filter((d) => d.severity === "error");
  const first = errors[0];
  const message = first
    ? `${what}: ${first.summary}${first.address ? ` (${first.address})` : ""}${first.variables ? ` (${first.variables.join(", ")})` : ""}${first.file ? ` at ${first.file}:${first.line ?? "?"}` : ""}${first.detail ? `: ${first.detail}` : ""}`
    : `${what} failed: ${lastLines(fallbackText)}`;
  const all =
    errors.map((d) => `${d.summary} ${d.detail}`).join("\n") + fallbackText;
  const details = [{ diagnostics: errors }];
  if (errors.some((d) => /Saved plan is stale/i.test(d.summary + d.detail))) {
    return ApplicationFailure.create({
      type: "StalePlan",
      message,
      nonRetryable: true,
      details,
    });
  }
  if (/Error acquiring the state lock/i.test(all)) {
    return ApplicationFailure.create({ type: "StateLocked", message, details });
  }
  if (
    errors.some((d) => TRANSIENT.test(`${d.summary} ${d.detail}`)) ||
    (!first && TRANSIENT.test(fallbackText))
  ) {
    return ApplicationFailure.create({
      type: "TransientError",
      message,
      details,
    });
  }
  if (
    errors.length > 0 &&
    errors.every(
      (d) =>
        INVALID.test(d.summary) ||
        (d.file !== undefined && d.address === undefined),
    )
  ) {
    return ApplicationFailure.create({
      type: "InvalidConfiguration",
      message,
      nonRetryable: true,
      details,
    });
  }
  return ApplicationFailure.create({ type: "TofuFailed", message, details });
}

/** invalidConfiguration: the failure for a request the runner refuses as it is. */
export function invalidConfiguration(message: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: "InvalidConfiguration",
    message,
    nonRetryable: true,
  });
}

/**
 * stalePlan: the failure for a plan that may not be applied any more (the
 * runner's own finding; tofu's "Saved plan is stale" goes through failureFor).
 */
export function stalePlan(
  message: string,
  details: unknown[] = [],
): ApplicationFailure {
  return ApplicationFailure.create({
    type: "StalePlan",
    message,
    nonRetryable: true,
    details,
  });
}

/** planNotFound: the failure for a hash with no usable stored plan. */
export function planNotFound(message: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: "PlanNotFound",
    message,
    nonRetryable: true,
  });
}

function lastLines(text: string): string {
  return text.trim().split("\n").slice(-8).join("\n");
}
