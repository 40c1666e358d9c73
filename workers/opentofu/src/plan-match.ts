/**
 * The crash-resume rule: whether a fresh plan of an approved request may be
 * applied without a new approval. An apply that died half-way leaves its
 * saved plan stale; the runner then plans the same request again, and
 * applies that plan only if every change in it matches a change of the
 * approved plan:
 *
 *   - the same address, and
 *   - the same actions (["create"], ["delete","create"], ...), or the
 *     replacement of a tainted object where the approved plan creates it
 *     (see finishesApprovedCreate), and
 *   - the same known `after` values, attribute by attribute and nested; a
 *     value unknown until apply on either side matches anything.
 *
 * Changes of the approved plan that the fresh plan lacks are what the dead
 * attempt already applied. Anything else (a new address, another action, a
 * different value) means the world moved under the approval: StalePlan.
 *
 * PlannedChange keeps the whole `after` (with tofu's unknown and sensitive
 * markers), not the masked summary: a sensitive value must compare by value
 * too. It is stored sealed with the plan (plan-store.ts); a difference names
 * the attribute and shows values only when neither side is sensitive.
 */
import type { ShownPlan } from "./plan-summary";

/** PlannedChange: one resource change of a plan, as the rule compares it. */
export interface PlannedChange {
  address: string;
  actions: string[];
  /** tofu's action_reason, e.g. "replace_because_tainted", when it gives one. */
  actionReason?: string;
  /** The planned value (null for a delete), unknowns as tofu leaves them. */
  after: unknown;
  /** tofu's after_unknown: true where the value is known only after apply. */
  afterUnknown: unknown;
  /** tofu's after_sensitive: true where the value is sensitive. */
  afterSensitive: unknown;
}

/** ChangeDifference: a fresh change that the approved plan does not have. */
export interface ChangeDifference {
  address: string;
  /** Why, for people: "not in the approved plan", "actions ...", "content ...". */
  reason: string;
}

/** plannedChanges: the changes of a shown plan (no-ops and reads left out, as in the summary). */
export function plannedChanges(shown: ShownPlan): PlannedChange[] {
  return (shown.resource_changes ?? [])
    .filter((rc) =>
      rc.change.actions.some((a) => a !== "no-op" && a !== "read"),
    )
    .map((rc) => ({
      address: rc.address,
      actions: rc.change.actions,
      ...(rc.action_reason ? { actionReason: rc.action_reason } : {}),
      after: rc.change.after ?? null,
      afterUnknown: rc.change.after_unknown ?? false,
      afterSensitive: rc.change.after_sensitive ?? false,
    }));
}

/**
 * unapprovedChanges: the changes of `fresh` that match no change of
 * `approved` (see the top of this file); empty when `fresh` may be applied.
 */
export function unapprovedChanges(
  approved: PlannedChange[],
  fresh: PlannedChange[],
): ChangeDifference[] {
  const byAddress = new Map(approved.map((c) => [c.address, c]));
  const result: ChangeDifference[] = [];
  for (const change of fresh) {
    const was = byAddress.get(change.address);
    if (was === undefined) {
      result.push({
        address: change.address,
        reason: `${change.actions.join(",")} is not in the approved plan`,
      });
      continue;
    }
    if (
      was.actions.join(",") !== change.actions.join(",") &&
      !finishesApprovedCreate(was, change)
    ) {
      result.push({
        address: change.address,
        reason: `actions ${change.actions.join(",")}, approved ${was.actions.join(",")}`,
      });
      continue;
    }
    const differing: string[] = [];
    compareValues(was, change, [], differing);
    if (differing.length > 0) {
      result.push({ address: change.address, reason: differing.join("; ") });
    }
  }
  return result;
}

/**
 * finishesApprovedCreate: whether `fresh` replaces a tainted object that the
 * approved change creates. An apply interrupted while it created an object
 * (a SIGINT during a provisioner: a cancel, or a heartbeat timeout) leaves
 * that object in state, tainted, so the fresh plan replaces it where the
 * approved plan created it. The approved plan found nothing at the address
 * and the stack's lock kept every other apply out since, so the tainted
 * object is this request's own half-made one: replacing it finishes the
 * approved create. Any other change of actions is not covered.
 */
export function finishesApprovedCreate(
  approved: Pick<PlannedChange, "actions">,
  fresh: Pick<PlannedChange, "actions" | "actionReason">,
): boolean {
  const replace = fresh.actions.join(",");
  return (
    approved.actions.join(",") === "create" &&
    fresh.actionReason === "replace_because_tainted" &&
    (replace === "delete,create" || replace === "create,delete")
  );
}

/** describeDifferences: one line naming each difference (the first few). */
export function describeDifferences(differences: ChangeDifference[]): string {
  const shown = differences.slice(0, 5).map((d) => `${d.address}: ${d.reason}`);
  if (differences.length > 5) {
    shown.push(`and ${differences.length - 5} more`);
  }
  return shown.join("; ");
}

type Step = string | number;

// compareValues: pushes onto `differing` a description of each place where
// the known after values of `a` (approved) and `b` (fresh) differ.
function compareValues(
  a: PlannedChange,
  b: PlannedChange,
  at: Step[],
  differing: string[],
): void {
  if (isTrueAt(a.afterUnknown, at) || isTrueAt(b.afterUnknown, at)) return;
  const va = valueAt(a.after, at);
  const vb = valueAt(b.after, at);
  if (isObject(va) && isObject(vb)) {
    const keys = new Set([...Object.keys(va), ...Object.keys(vb)]);
    for (const key of [...keys].sort()) {
      compareValues(a, b, [...at, key], differing);
    }
    return;
  }
  if (Array.isArray(va) && Array.isArray(vb) && va.length === vb.length) {
    for (let i = 0; i < va.length; i++) {
      compareValues(a, b, [...at, i], differing);
    }
    return;
  }
  if (JSON.stringify(va ?? null) === JSON.stringify(vb ?? null)) return;
  const name = formatPath(at);
  const sensitive =
    someTrueAlong(a.afterSensitive, at) || someTrueAlong(b.afterSensitive, at);
  differing.push(
    sensitive
      ? `${name} (sensitive) differs from the approved value`
      : `${name} would be ${preview(vb)}, approved ${preview(va)}`,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function valueAt(value: unknown, at: Step[]): unknown {
  let v = value;
  for (const step of at) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[step as string];
  }
  return v;
}

// isTrueAt: whether a marker (after_unknown, after_sensitive) says true for
// the value at `at`: the marker nests like the value, and a true higher up
// covers everything below it.
function isTrueAt(marker: unknown, at: Step[]): boolean {
  let m = marker;
  for (const step of at) {
    if (m === true) return true;
    if (m === null || typeof m !== "object") return false;
    m = (m as Record<string, unknown>)[step as string];
  }
  return m === true;
}

// someTrueAlong: whether the marker is true at `at`, above it, or anywhere
// inside it (a value with a sensitive part is not shown).
function someTrueAlong(marker: unknown, at: Step[]): boolean {
  if (isTrueAt(marker, at)) return true;
  return hasTrue(valueAt(marker, at));
}

function hasTrue(marker: unknown): boolean {
  if (marker === true) return true;
  if (marker !== null && typeof marker === "object") {
    return Object.values(marker).some(hasTrue);
  }
  return false;
}

function formatPath(at: Step[]): string {
  if (at.length === 0) return "the value";
  return at
    .map((step, i) =>
      typeof step === "number" ? `[${step}]` : i === 0 ? step : `.${step}`,
    )
    .join("");
}

function preview(value: unknown): string {
  const text = value === undefined ? "absent" : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
