/**
 * The summary of a saved plan, from `tofu show -json PLANFILE`: per resource,
 * its address, actions and changed attributes, with sensitive values masked.
 * The same reading gives a refresh-only plan's drift.
 */

/** MASKED: what a sensitive value is replaced with. */
export const MASKED = "(sensitive value)";
/** UNKNOWN: what a value known only after apply is shown as. */
export const UNKNOWN = "(known after apply)";

/** AttributeChange: one top-level attribute that the change touches. */
export interface AttributeChange {
  name: string;
  before?: unknown;
  after?: unknown;
  /** Whether either side is sensitive; its values are then MASKED. */
  sensitive: boolean;
}

/** ResourceChange: what a plan does to one resource instance. */
export interface ResourceChange {
  address: string;
  /** OpenTofu's actions: ["create"], ["update"], ["delete","create"], ... */
  actions: string[];
  /**
   * OpenTofu's action_reason when it gives one, e.g. "replace_because_tainted"
   * (an object whose create was interrupted is replaced, not updated).
   */
  actionReason?: string;
  changed: AttributeChange[];
}

interface ShownChange {
  actions: string[];
  before?: unknown;
  after?: unknown;
  after_unknown?: unknown;
  before_sensitive?: unknown;
  after_sensitive?: unknown;
}

/** ShownPlan: the parts of `show -json` that the runner reads. */
export interface ShownPlan {
  resource_changes?: Array<{
    address: string;
    change: ShownChange;
    action_reason?: string;
  }>;
  resource_drift?: Array<{ address: string; change: ShownChange }>;
  output_changes?: Record<string, { actions: string[] }>;
}

/** summarizeChanges: the resources a plan changes (no-ops and reads left out). */
export function summarizeChanges(shown: ShownPlan): ResourceChange[] {
  return (shown.resource_changes ?? [])
    .filter((rc) =>
      rc.change.actions.some((a) => a !== "no-op" && a !== "read"),
    )
    .map((rc) => {
      const summary = summarizeOne(rc.address, rc.change);
      return rc.action_reason
        ? { ...summary, actionReason: rc.action_reason }
        : summary;
    });
}

/** summarizeDrift: the resources a refresh-only plan found changed outside OpenTofu. */
export function summarizeDrift(shown: ShownPlan): ResourceChange[] {
  return (shown.resource_drift ?? []).map((rc) =>
    summarizeOne(rc.address, rc.change),
  );
}

/** outputsChange: whether any output changes. */
export function outputsChange(shown: ShownPlan): boolean {
  return Object.values(shown.output_changes ?? {}).some((c) =>
    c.actions.some((a) => a !== "no-op"),
  );
}

function summarizeOne(address: string, change: ShownChange): ResourceChange {
  const before = asObject(change.before);
  const after = asObject(change.after);
  const unknown = asObject(change.after_unknown);
  const names = new Set([
    ...Object.keys(before),
    ...Object.keys(after),
    ...Object.keys(unknown).filter((k) => hasTrue(unknown[k])),
  ]);
  const isCreate = change.before === null || change.before === undefined;
  const isDelete = change.after === null || change.after === undefined;
  const changed: AttributeChange[] = [];
  for (const name of [...names].sort()) {
    const unknownAfter = hasTrue(unknown[name]);
    const differs =
      isCreate ||
      isDelete ||
      unknownAfter ||
      JSON.stringify(before[name]) !== JSON.stringify(after[name]);
    if (!differs) continue;
    if (
      isCreate &&
      !unknownAfter &&
      (after[name] === null || after[name] === undefined)
    ) {
      continue; // an unset optional attribute
    }
    if (isDelete && (before[name] === null || before[name] === undefined))
      continue;
    const sensitive =
      isSensitive(change.before_sensitive, name) ||
      isSensitive(change.after_sensitive, name);
    const entry: AttributeChange = { name, sensitive };
    if (!isCreate) entry.before = sensitive ? MASKED : before[name];
    if (!isDelete) {
      entry.after = unknownAfter ? UNKNOWN : sensitive ? MASKED : after[name];
    }
    changed.push(entry);
  }
  return { address, actions: change.actions, changed };
}

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

// hasTrue: whether a sensitivity or unknown-ness marker is true anywhere in
// it (tofu nests them like the value: true, {attr: true}, [false, true]).
function hasTrue(marker: unknown): boolean {
  if (marker === true) return true;
  if (Array.isArray(marker)) return marker.some(hasTrue);
  if (marker !== null && typeof marker === "object") {
    return Object.values(marker).some(hasTrue);
  }
  return false;
}

function isSensitive(marker: unknown, name: string): boolean {
  if (marker === true) return true;
  return hasTrue(asObject(marker)[name]);
}
