// The platform's apply_progress rows, through the real server: with
// PROVISIO_PLATFORM_PG_URL set to a database holding the platform schema
// (db/migrations/0001), apply and destroy upsert each resource's progress,
// the schema's trigger notifies LISTENers on channel apply_progress, and a
// database the rows cannot go to fails no apply.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Client as PgClient, Notification } from "pg";
import type { ApplyResult, DestroyResult, PlanResult } from "../src/activities";
import { Harness, pgUrl, platformDatabase, waitFor } from "./harness";

interface ProgressRow {
  workflow_id: string;
  stack: string;
  plan_hash: string;
  address: string;
  action: string;
  status: string;
  elapsed_ms: string;
  done: number;
  total: number;
  version: string;
}

let h: Harness;
let platformUrl: string;
let listener: PgClient;
const notifications: Notification[] = [];

before(async () => {
  platformUrl = pgUrl(await platformDatabase("progress"));
  h = await Harness.start(
    "progress",
    {},
    { PROVISIO_PLATFORM_PG_URL: platformUrl },
  );
  listener = new PgClient({ connectionString: platformUrl });
  await listener.connect();
  listener.on("notification", (n) => notifications.push(n));
  await listener.query("LISTEN apply_progress");
});
after(async () => {
  await listener?.end();
  await h?.close();
});

async function progressRows(
  workflowId: string,
  planHash: string,
): Promise<ProgressRow[]> {
  const { rows } = await listener.query<ProgressRow>(
    `SELECT * FROM apply_progress WHERE workflow_id = $1 AND plan_hash = $2
      ORDER BY version`,
    [workflowId, planHash],
  );
  return rows;
}

// assertFinished: one complete row per planned address, the last write
// says done == total == the plan's changes, versions are distinct and the
// done counts never go down as they grow; returns the highest version.
function assertFinished(
  rows: ProgressRow[],
  plan: PlanResult,
  stack: string,
): number {
  assert.deepEqual(
    rows.map((r) => r.address).sort(),
    plan.summary.map((c) => c.address).sort(),
  );
  for (const row of rows) {
    assert.equal(row.status, "complete", `${row.address}: ${row.status}`);
    assert.equal(row.stack, stack);
    assert.equal(row.total, plan.summary.length);
    assert.ok(Number(row.elapsed_ms) >= 0);
  }
  const versions = rows.map((r) => Number(r.version));
  assert.equal(new Set(versions).size, versions.length, "distinct versions");
  for (let i = 1; i < rows.length; i++) {
    assert.ok(rows[i].done >= rows[i - 1].done, "done grows with version");
  }
  const last = rows[rows.length - 1];
  assert.equal(last.done, last.total);
  return Math.max(...versions);
}

test("apply and destroy upsert every resource's progress into apply_progress, and LISTEN apply_progress hears each write", async () => {
  const stack = "progress-site";
  const inputs = {
    stack,
    template: "local-site",
    parameters: { site_name: "progress" },
  };
  const plan = await h.call<PlanResult>("plan", inputs);
  assert.equal(plan.summary.length, 2);
  const handle = await h.start({
    activity: "apply",
    input: { hash: plan.hash },
  });
  const applied = await h.result<ApplyResult>(handle);
  assert.equal(applied.progress.done, 2);

  const rows = await progressRows(handle.workflowId, plan.hash);
  const lastVersion = assertFinished(rows, plan, stack);
  assert.deepEqual(
    rows.map((r) => r.action),
    ["create", "create"],
  );
  // Every write was a version of its own (a start and a completion per
  // resource at least), each heard by the listener with the workflow id.
  assert.ok(lastVersion >= 4, `last version ${lastVersion}`);
  const heard = await waitFor(
    "a notification per write",
    async () => {
      const mine = notifications.filter((n) => n.payload === handle.workflowId);
      return mine.length >= lastVersion ? mine : undefined;
    },
    10_000,
  );
  assert.equal(heard.length, lastVersion);
  assert.ok(heard.every((n) => n.channel === "apply_progress"));

  // destroy writes the rows of its own plan, in its own workflow.
  const destroyHandle = await h.start({ activity: "destroy", input: inputs });
  const destroyed = await h.result<DestroyResult>(destroyHandle);
  const destroyRows = await progressRows(
    destroyHandle.workflowId,
    destroyed.plan.hash,
  );
  assertFinished(destroyRows, destroyed.plan, stack);
  assert.deepEqual(
    destroyRows.map((r) => r.action),
    ["delete", "delete"],
  );
  // The apply's rows are untouched by the destroy.
  assert.deepEqual(await progressRows(handle.workflowId, plan.hash), rows);
});

test("a platform database the rows cannot go to fails no apply: the run log says so", async () => {
  // The runner's own database has no apply_progress table.
  await h.stopRunner();
  h.runnerEnv.PROVISIO_PLATFORM_PG_URL = h.runnerEnv.PROVISIO_RUNNER_PG_URL;
  try {
    await h.startRunner();
    const stack = "progress-nowhere";
    const inputs = {
      stack,
      template: "local-site",
      parameters: { site_name: "nowhere" },
    };
    const plan = await h.call<PlanResult>("plan", inputs);
    const applied = await h.call<ApplyResult>("apply", { hash: plan.hash });
    assert.equal(applied.progress.done, 2);
    const log = await h.call<{ lines: string[] }>("runLog", {
      runId: applied.runId,
    });
    assert.ok(
      log.lines.some((l) =>
        /^runner apply_progress: writing \S+ started failed: .*apply_progress/.test(
          l,
        ),
      ),
      log.lines.filter((l) => l.includes("apply_progress")).join("\n"),
    );
    assert.ok(
      log.lines.some((l) =>
        /^runner apply_progress: [1-9]\d* write\(s\) failed, 0 dropped/.test(l),
      ),
    );
    await h.call<DestroyResult>("destroy", inputs);
  } finally {
    await h.stopRunner();
    h.runnerEnv.PROVISIO_PLATFORM_PG_URL = platformUrl;
    await h.startRunner();
  }
});
