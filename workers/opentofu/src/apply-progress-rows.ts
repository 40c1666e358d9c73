/**
 * ApplyProgressRows: one apply's per-resource progress, written to the
 * platform database's `apply_progress` table (db/migrations/0001), whose
 * trigger NOTIFYs channel `apply_progress` with the workflow id. Workflow
 * code cannot read heartbeat details; the UI's progress bars read these rows.
 *
 * One row per (workflow_id, plan_hash, address), upserted on every progress
 * event of that resource. `version` grows with each write for the workflow
 * and plan, across attempts: a listener re-reads the rows newer than the
 * version it has.
 *
 * Writes are best effort and ordered: they go one after another in the order
 * recorded, a failed write is logged (the first in full, then a count) and
 * never fails the apply, and close() waits for them for at most closeWaitMs,
 * then drops what is left. Not safe for two writers on one workflow and plan
 * at once (two attempts running together could write the same version).
 */
import type { Pool } from "pg";
import type { ApplyProgress } from "./events";

/** The statement of one write; the version is one past the highest so far. */
const UPSERT_SQL = `
INSERT INTO apply_progress (workflow_id, stack, plan_hash, address, action, status,
                            elapsed_ms, done, total, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
        coalesce((SELECT max(version) FROM apply_progress
                   WHERE workflow_id = $1 AND plan_hash = $3), 0) + 1)
ON CONFLICT (workflow_id, plan_hash, address) DO UPDATE SET
  stack = EXCLUDED.stack, action = EXCLUDED.action, status = EXCLUDED.status,
  elapsed_ms = EXCLUDED.elapsed_ms, done = EXCLUDED.done, total = EXCLUDED.total,
  version = EXCLUDED.version, recorded_at = now()`;

/** The same for settle(): a row already complete keeps what it has. */
const SETTLE_SQL = `${UPSERT_SQL}
  WHERE apply_progress.status <> 'complete'`;

/** Where the rows of one apply go. */
export interface ApplyProgressTarget {
  workflowId: string;
  stack: string;
  /** The hash of the plan the workflow asked to apply. */
  planHash: string;
}

export class ApplyProgressRows {
  private tail: Promise<void> = Promise.resolve();
  private failures = 0;
  private dropped = 0;
  private closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly target: ApplyProgressTarget,
    /** Where a failed write is reported (the run log). */
    private readonly log: (line: string) => void,
    private readonly closeWaitMs = 10_000,
  ) {}

  /** record: queues the upsert of one progress event. */
  record(progress: ApplyProgress): void {
    this.enqueue(UPSERT_SQL, progress);
  }

  /**
   * settle: queues marking `address` complete unless its row already says
   * so: for a resource an earlier attempt applied, which the apply that
   * finishes the plan has no event for.
   */
  settle(progress: ApplyProgress): void {
    this.enqueue(SETTLE_SQL, { ...progress, status: "complete" });
  }

  /** close: waits for the queued writes (at most closeWaitMs); drops the rest. */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.closeWaitMs);
    });
    await Promise.race([this.tail, timedOut]);
    clearTimeout(timer);
    this.closed = true;
    if (this.failures > 0 || this.dropped > 0) {
      this.log(
        `apply_progress: ${this.failures} write(s) failed, ${this.dropped} dropped at close`,
      );
    }
  }

  private enqueue(text: string, p: ApplyProgress): void {
    const { workflowId, stack, planHash } = this.target;
    const values = [
      workflowId,
      stack,
      planHash,
      p.address,
      p.action,
      p.status,
      Math.max(0, Math.round(p.elapsedSeconds * 1000)),
      p.done,
      Math.max(p.total, p.done),
    ];
    this.tail = this.tail.then(async () => {
      if (this.closed) {
        this.dropped += 1;
        return;
      }
      try {
        await this.pool.query(text, values);
      } catch (err) {
        if (this.failures++ === 0) {
          this.log(
            `apply_progress: writing ${p.address} ${p.status} failed: ${(err as Error).message}`,
          );
        }
      }
    });
  }
}
