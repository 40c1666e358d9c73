/**
 * OpenTofu's machine-readable UI (`-json`): one JSON object per line. This
 * module reads the lines the runner cares about: per-resource apply hooks
 * (apply_start, apply_progress, apply_complete, apply_errored), diagnostics,
 * and the change summary; ApplyTracker turns the hooks into the heartbeat
 * details of an apply.
 */

/** TofuEvent: the fields of one JSON UI line that the runner reads. */
export interface TofuEvent {
  type: string;
  "@level"?: string;
  "@message"?: string;
  hook?: {
    resource?: { addr?: string };
    action?: string;
    elapsed_seconds?: number;
  };
  diagnostic?: JsonDiagnostic;
  changes?: { add: number; change: number; remove: number; operation: string };
}

/** JsonDiagnostic: a diagnostic as `-json` prints it. */
export interface JsonDiagnostic {
  severity: string;
  summary: string;
  detail?: string;
  address?: string;
  range?: { filename?: string; start?: { line?: number } };
  /** The expression values tofu shows with the source (var.site_name ...). */
  snippet?: { values?: Array<{ traversal: string; statement: string }> };
}

/** parseEventLine: the event on one line of `-json` output, or undefined. */
export function parseEventLine(line: string): TofuEvent | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith("{")) return undefined;
  try {
    const value = JSON.parse(trimmed) as unknown;
    if (value && typeof value === "object" && "type" in value) {
      return value as TofuEvent;
    }
  } catch {
    // Not an event: tofu prints a few plain lines even with -json.
  }
  return undefined;
}

/** ApplyStatus: where a resource is in an apply. */
export type ApplyStatus = "started" | "in-progress" | "complete" | "errored";

/**
 * ApplyProgress: the heartbeat details of an apply activity: the resource
 * the latest event is about, and how many of the plan's changes are done.
 */
export interface ApplyProgress {
  address: string;
  action: string;
  status: ApplyStatus;
  elapsedSeconds: number;
  /** Resources whose change completed or failed so far. */
  done: number;
  /** Resource changes in the plan being applied. */
  total: number;
}

const HOOK_STATUS: Record<string, ApplyStatus> = {
  apply_start: "started",
  apply_progress: "in-progress",
  apply_complete: "complete",
  apply_errored: "errored",
};

/**
 * ApplyTracker: folds apply events into the latest ApplyProgress. `done`
 * starts at `alreadyDone`: the changes of `total` that an earlier attempt
 * applied and this apply has no events for.
 */
export class ApplyTracker {
  private done: number;
  private latest: ApplyProgress | undefined;
  private readonly started = new Map<string, number>();

  constructor(
    private readonly total: number,
    alreadyDone = 0,
  ) {
    this.done = alreadyDone;
  }

  /** observe: takes one event; returns the new progress when it was a hook. */
  observe(event: TofuEvent, nowMs = Date.now()): ApplyProgress | undefined {
    const status = HOOK_STATUS[event.type];
    const address = event.hook?.resource?.addr;
    if (status === undefined || address === undefined) return undefined;
    if (status === "started") this.started.set(address, nowMs);
    if (status === "complete" || status === "errored") this.done += 1;
    const startedAt = this.started.get(address) ?? nowMs;
    this.latest = {
      address,
      action: event.hook?.action ?? "",
      status,
      elapsedSeconds:
        event.hook?.elapsed_seconds ?? Math.round((nowMs - startedAt) / 1000),
      done: this.done,
      total: Math.max(this.total, this.done),
    };
    return this.latest;
  }

  /** progress: the latest progress, or a not-yet-started one. */
  progress(): ApplyProgress {
    return (
      this.latest ?? {
        address: "",
        action: "",
        status: "started",
        elapsedSeconds: 0,
        done: this.done,
        total: this.total,
      }
    );
  }
}
