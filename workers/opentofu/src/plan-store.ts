/**
 * PlanStore: saved plan files, encrypted, in PostgreSQL under the SHA-256 of
 * the plaintext plan file (the plan's hash, which an approval names), and
 * each run's log.
 *
 *   iac_plans      hash (hex SHA-256 of the plan file) primary key, stack,
 *                  template, operation, created_at, key_id, ciphertext (the
 *                  plan file sealed with the codec key: nonce || AES-256-GCM
 *                  ciphertext || tag, packages/codec-ts), inputs_key_id and
 *                  inputs_ciphertext (the plan request, sealed the same way:
 *                  parameters may be secret), resource_changes,
 *                  apply_started_at, applied_at, changes_key_id and
 *                  changes_ciphertext (the plan's PlannedChanges,
 *                  plan-match.ts, sealed the same way: the approved changes
 *                  a resumed apply is held to; NULL in rows stored before
 *                  the runner kept them)
 *   iac_run_logs   (run_id, seq) primary key, stack, operation, attempt,
 *                  stream (stdout, stderr, runner), line, logged_at
 *
 * The tables are created if missing, and columns added since are added if
 * missing (ALTER TABLE ... ADD COLUMN IF NOT EXISTS, nullable, so a table of
 * an older runner keeps working and older runners keep working with it),
 * under an advisory lock, so that two workers starting together do not race.
 * A Pool is safe to share between concurrent activities.
 */
import { createHash } from "node:crypto";
import { Pool } from "pg";
import { KeyRing, openWithRing, sealWithRing } from "@provisio/codec-ts";
import type { PlannedChange } from "./plan-match";

const SCHEMA_LOCK_KEY = 7_250_001;

const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS iac_plans (
  hash text PRIMARY KEY,
  stack text NOT NULL,
  template text NOT NULL,
  operation text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  key_id text NOT NULL,
  ciphertext bytea NOT NULL,
  inputs_key_id text NOT NULL,
  inputs_ciphertext bytea NOT NULL,
  resource_changes integer NOT NULL,
  apply_started_at timestamptz,
  applied_at timestamptz
);
CREATE TABLE IF NOT EXISTS iac_run_logs (
  run_id text NOT NULL,
  seq integer NOT NULL,
  stack text NOT NULL,
  operation text NOT NULL,
  attempt integer NOT NULL,
  stream text NOT NULL,
  line text NOT NULL,
  logged_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX IF NOT EXISTS iac_run_logs_stack ON iac_run_logs (stack, logged_at);
ALTER TABLE iac_plans
  ADD COLUMN IF NOT EXISTS changes_key_id text,
  ADD COLUMN IF NOT EXISTS changes_ciphertext bytea;
`;

/** sha256Hex: the plan hash of a plan file's bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** StoredPlan: a plan file and the request that made it, decrypted. */
export interface StoredPlan<Inputs> {
  hash: string;
  stack: string;
  template: string;
  operation: string;
  planFile: Buffer;
  inputs: Inputs;
  resourceChanges: number;
  /** The plan's changes; undefined for a row stored before they were kept. */
  changes: PlannedChange[] | undefined;
  applyStartedAt: Date | null;
  appliedAt: Date | null;
}

export class PlanStore {
  readonly pool: Pool;
  private ready: Promise<void> | undefined;

  constructor(
    connectionString: string,
    private readonly ring: KeyRing,
  ) {
    this.pool = new Pool({ connectionString, max: 4 });
    // An idle client's error (the server restarting) must not crash the worker.
    this.pool.on("error", () => undefined);
  }

  /** ensureSchema: creates the tables if missing; once per store. */
  ensureSchema(): Promise<void> {
    this.ready ??= (async () => {
      const client = await this.pool.connect();
      try {
        await client.query("BEGIN");
        await client.query("SELECT pg_advisory_xact_lock($1)", [
          SCHEMA_LOCK_KEY,
        ]);
        await client.query(SCHEMA_SQL);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        this.ready = undefined;
        throw err;
      } finally {
        client.release();
      }
    })();
    return this.ready;
  }

  /**
   * put: stores a plan file encrypted under its hash and returns the hash.
   * Storing the same plan twice (a retried plan activity) is a no-op.
   */
  async put<Inputs>(plan: {
    stack: string;
    template: string;
    operation: string;
    planFile: Buffer;
    inputs: Inputs;
    resourceChanges: number;
    changes: PlannedChange[];
  }): Promise<string> {
    await this.ensureSchema();
    const hash = sha256Hex(plan.planFile);
    const sealedPlan = sealWithRing(this.ring, plan.planFile);
    const sealedInputs = sealWithRing(
      this.ring,
      Buffer.from(JSON.stringify(plan.inputs), "utf8"),
    );
    const sealedChanges = sealWithRing(
      this.ring,
      Buffer.from(JSON.stringify(plan.changes), "utf8"),
    );
    // The same plan stored again is the same row; one stored before the
    // changes were kept gets them now.
    await this.pool.query(
      `INSERT INTO iac_plans (hash, stack, template, operation, key_id, ciphertext,
         inputs_key_id, inputs_ciphertext, resource_changes, changes_key_id,
         changes_ciphertext)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (hash) DO UPDATE SET changes_key_id = EXCLUDED.changes_key_id,
         changes_ciphertext = EXCLUDED.changes_ciphertext
       WHERE iac_plans.changes_ciphertext IS NULL`,
      [
        hash,
        plan.stack,
        plan.template,
        plan.operation,
        sealedPlan.keyId,
        sealedPlan.data,
        sealedInputs.keyId,
        sealedInputs.data,
        plan.resourceChanges,
        sealedChanges.keyId,
        sealedChanges.data,
      ],
    );
    return hash;
  }

  /**
   * get: the plan stored under `hash`, decrypted, or undefined if there is
   * none. Throws when it does not decrypt or its SHA-256 is not `hash`.
   */
  async get<Inputs>(hash: string): Promise<StoredPlan<Inputs> | undefined> {
    await this.ensureSchema();
    const { rows } = await this.pool.query(
      `SELECT hash, stack, template, operation, key_id, ciphertext, inputs_key_id,
              inputs_ciphertext, resource_changes, changes_key_id,
              changes_ciphertext, apply_started_at, applied_at
         FROM iac_plans WHERE hash = $1`,
      [hash],
    );
    if (rows.length === 0) return undefined;
    const row = rows[0];
    const planFile = openWithRing(this.ring, row.key_id, row.ciphertext);
    const actual = sha256Hex(planFile);
    if (actual !== hash) {
      throw new Error(
        `the stored plan ${hash} decrypts to a file whose SHA-256 is ${actual}`,
      );
    }
    const inputs = JSON.parse(
      openWithRing(
        this.ring,
        row.inputs_key_id,
        row.inputs_ciphertext,
      ).toString("utf8"),
    ) as Inputs;
    const changes =
      row.changes_ciphertext === null
        ? undefined
        : (JSON.parse(
            openWithRing(
              this.ring,
              row.changes_key_id,
              row.changes_ciphertext,
            ).toString("utf8"),
          ) as PlannedChange[]);
    return {
      hash,
      stack: row.stack,
      template: row.template,
      operation: row.operation,
      planFile,
      inputs,
      resourceChanges: row.resource_changes,
      changes,
      applyStartedAt: row.apply_started_at,
      appliedAt: row.applied_at,
    };
  }

  /** markApplyStarted: records that an apply of `hash` began (first time only). */
  async markApplyStarted(hash: string): Promise<void> {
    await this.pool.query(
      "UPDATE iac_plans SET apply_started_at = coalesce(apply_started_at, now()) WHERE hash = $1",
      [hash],
    );
  }

  /** markApplied: records that `hash` was applied. */
  async markApplied(hash: string): Promise<void> {
    await this.pool.query(
      "UPDATE iac_plans SET applied_at = coalesce(applied_at, now()) WHERE hash = $1",
      [hash],
    );
  }

  /** runLog: every line of one run's log, in order, as "STREAM LINE". */
  async runLog(runId: string): Promise<string[]> {
    await this.ensureSchema();
    const { rows } = await this.pool.query(
      "SELECT stream, line FROM iac_run_logs WHERE run_id = $1 ORDER BY seq",
      [runId],
    );
    return rows.map((r) => `${r.stream} ${r.line}`);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * RunLog: one run's output lines, written to iac_run_logs as they come
 * (batched every 100 ms), so a run's log is there even if the worker dies.
 */
export class RunLog {
  private seq = 0;
  private pending: Array<[number, string, string]> = [];
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: PlanStore,
    readonly runId: string,
    private readonly stack: string,
    private readonly operation: string,
    private readonly attempt: number,
  ) {}

  append(stream: string, line: string): void {
    this.pending.push([this.seq++, stream, line]);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, 100);
  }

  /** flush: writes what is pending; resolves when everything so far is written. */
  flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) {
      this.writing = this.writing
        .then(() => this.insert(batch))
        .catch(() => undefined);
    }
    return this.writing;
  }

  private async insert(batch: Array<[number, string, string]>): Promise<void> {
    await this.store.ensureSchema();
    const values: unknown[] = [];
    const tuples = batch.map(([seq, stream, line], i) => {
      values.push(
        this.runId,
        seq,
        this.stack,
        this.operation,
        this.attempt,
        stream,
        line,
      );
      const b = i * 7;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7})`;
    });
    await this.store.pool.query(
      `INSERT INTO iac_run_logs (run_id, seq, stack, operation, attempt, stream, line)
       VALUES ${tuples.join(", ")} ON CONFLICT DO NOTHING`,
      values,
    );
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
