// Reading a plan summary: what kind of change each resource gets, and whether
// a stateful resource would lose its data (which the authorizer must confirm).
import type { ResourceChange } from "./types";

export type ChangeKind =
  "create" | "update" | "replace" | "delete" | "read" | "no-op";

/** changeKind names OpenTofu's action list: ["delete","create"] and ["create","delete"] replace. */
export function changeKind(actions: string[]): ChangeKind {
  const has = (action: string) => actions.includes(action);
  if (has("delete") && has("create")) return "replace";
  if (has("create")) return "create";
  if (has("delete")) return "delete";
  if (has("update")) return "update";
  if (has("read")) return "read";
  return "no-op";
}

export interface PlanCounts {
  create: number;
  update: number;
  replace: number;
  delete: number;
}

export function countChanges(plan: ResourceChange[]): PlanCounts {
  const counts: PlanCounts = { create: 0, update: 0, replace: 0, delete: 0 };
  for (const change of plan) {
    const kind = changeKind(change.actions);
    if (kind in counts) counts[kind as keyof PlanCounts] += 1;
  }
  return counts;
}

/**
 * statefulLosses lists the stateful resources (the template's `stateful`
 * addresses) that the plan deletes or replaces; the API refuses an approval
 * of such a plan without confirmStatefulChanges.
 */
export function statefulLosses(
  plan: ResourceChange[],
  stateful: string[],
): string[] {
  return plan
    .filter((change) => {
      const kind = changeKind(change.actions);
      return (
        (kind === "delete" || kind === "replace") &&
        matchesStateful(change.address, stateful)
      );
    })
    .map((change) => change.address);
}

/** A stateful entry names a resource ("s3_bucket.site"), maybe inside a module or with an index. */
function matchesStateful(address: string, stateful: string[]): boolean {
  const bare = address.replace(/\[[^\]]*\]$/, "");
  return stateful.some((entry) => bare === entry || bare.endsWith("." + entry));
}

/** isUnknown: a value OpenTofu learns only by applying (the API says "(known after apply)"). */
export function isUnknown(value: unknown): boolean {
  return value === undefined || value === "(known after apply)";
}

/** showValue renders an attribute's value for people: strings bare, the rest as JSON. */
export function showValue(value: unknown, sensitive = false): string {
  if (sensitive) return "(sensitive)";
  if (value === undefined) return "(known after apply)";
  if (value === null) return "(none)";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/**
 * webLink is an output's value when it is a web address (http or https), to
 * show as a link; anything else (javascript:, data:, text) is not.
 */
export function webLink(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  try {
    const parsed = new URL(value);
    return parsed.protocol === "http:" || parsed.protocol === "https:"
      ? parsed.href
      : undefined;
  } catch {
    return undefined;
  }
}
