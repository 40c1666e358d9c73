// Interrupted applies through the real server: a cancel stops tofu with
// SIGINT and leaves state equal to what exists; a worker SIGKILLed (with its
// tofu) before the first, after the third and after the last apply_complete
// of a 10-file stack is retried by Temporal and converges to exactly one of
// each resource, with the state equal to what exists and every resource's
// apply_progress row complete; a retry that finds its plan stale resumes
// from a fresh plan only if every change in it was approved, and ends
// StalePlan when the state moved under the approval.
import assert from "node:assert/strict";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  WorkflowFailedError,
  WorkflowHandle,
} from "@temporalio/client";
import type {
  ApplyResult,
  DestroyResult,
  DriftResult,
  PlanResult,
  ResourcesResult,
  RunnerHeartbeat,
} from "../src/activities";
import { parseEventLine, TofuEvent } from "../src/events";
import { chainTemplate } from "./chain-template";
import {
  applicationFailure,
  Harness,
  pgUrl,
  platformDatabase,
  sql,
  waitFor,
} from "./harness";

const FILES = 10;
const ALL_FILES = Array.from({ length: FILES }, (_, i) => `f${i}.txt`).sort();
const TEMPLATE = "chain";
// Half a second between files: ample for a poll every 20 ms of a log
// flushed every 100 ms, even on two loaded cores.
const PACED = { pace_seconds: 0.5 };

// A file copied from one the stack's directory holds (a data source): its
// planned content comes from outside the request, so it can change between
// an approval and a retry. marker.txt is the other resource.
const COPY_TEMPLATE = `
terraform {
  required_providers {
    local = { source = "hashicorp/local" }
  }
}
variable "provisio_stack" {
  type = string
}
variable "provisio_local_root" {
  type = string
}
locals {
  dir = "\${var.provisio_local_root}/\${var.provisio_stack}"
}
data "local_file" "source" {
  filename = "\${local.dir}/source.txt"
}
resource "local_file" "marker" {
  filename = "\${local.dir}/marker.txt"
  content  = "marker\\n"
}
resource "local_file" "copy" {
  filename = "\${local.dir}/copy.txt"
  content  = data.local_file.source.content
}
`;

let h: Harness;
let platform: string;
before(async () => {
  platform = await platformDatabase("interruption");
  h = await Harness.start(
    "interruption",
    { [TEMPLATE]: chainTemplate(FILES), copy: COPY_TEMPLATE },
    {
      PROVISIO_TOFU_GRACE_MS: "20000",
      PROVISIO_PLATFORM_PG_URL: pgUrl(platform),
    },
  );
});
after(async () => {
  await h?.close();
});

async function events(stack: string): Promise<TofuEvent[]> {
  const lines = await h.runLogLines(stack, "apply");
  return lines
    .map(parseEventLine)
    .filter((e): e is TofuEvent => e !== undefined);
}

function completedFiles(all: TofuEvent[]): string[] {
  return all
    .filter(
      (e) =>
        e.type === "apply_complete" &&
        e.hook?.resource?.addr?.startsWith("local_file."),
    )
    .map((e) => e.hook!.resource!.addr!);
}

async function filesOnDisk(stack: string): Promise<string[]> {
  return (
    await readdir(path.join(h.localRoot, stack)).catch(() => [] as string[])
  ).sort();
}

// assertHeartbeat: the runner's typed heartbeat details. A throttled
// heartbeat may still be one from before the apply began (phase init), whose
// progress is empty.
function assertHeartbeat(details: unknown): asserts details is RunnerHeartbeat {
  const hb = details as RunnerHeartbeat;
  assert.equal(typeof hb, "object");
  assert.equal(typeof hb.phase, "string");
  for (const field of ["address", "action", "status"] as const)
    assert.equal(typeof hb[field], "string");
  for (const field of ["elapsedSeconds", "done", "total"] as const)
    assert.equal(typeof hb[field], "number");
  if (hb.phase === "apply") assert.equal(hb.total, 2 * FILES + 1);
  assert.ok(hb.done <= hb.total);
}

// stateEqualsWhatExists: the stack's state lists exactly the files on disk,
// drift finds nothing and the lock is free (the calls take it).
async function assertStateEqualsWhatExists(stack: string): Promise<string[]> {
  const { addresses } = await h.call<ResourcesResult>("resources", {
    stack,
    template: TEMPLATE,
  });
  const inState = addresses
    .filter((a) => a.startsWith("local_file."))
    .map((a) => `${a.slice("local_file.".length)}.txt`)
    .sort();
  assert.deepEqual(
    inState,
    await filesOnDisk(stack),
    "the state lists exactly the files that exist",
  );
  const drift = await h.call<DriftResult>("drift", {
    stack,
    template: TEMPLATE,
  });
  assert.equal(
    drift.drifted,
    false,
    `drift: ${JSON.stringify(drift.resources)}`,
  );
  return addresses;
}

// assertProgressFinished: the apply_progress rows of the workflow's apply
// of `planHash`: one per resource, every one complete, and the last write
// says done == total.
async function assertProgressFinished(
  workflowId: string,
  planHash: string,
  addresses: string[],
): Promise<void> {
  const rows = await sql<{
    address: string;
    status: string;
    done: number;
    total: number;
  }>(
    platform,
    `SELECT address, status, done, total FROM apply_progress
      WHERE workflow_id = $1 AND plan_hash = $2 ORDER BY version`,
    [workflowId, planHash],
  );
  assert.deepEqual(rows.map((r) => r.address).sort(), [...addresses].sort());
  for (const row of rows) {
    assert.equal(row.status, "complete", `${row.address}: ${row.status}`);
  }
  const last = rows[rows.length - 1];
  assert.equal(last.done, addresses.length);
  assert.equal(last.total, addresses.length);
}

test("a cancelled apply stops tofu with SIGINT and leaves state equal to what exists", async () => {
  const stack = "cancel-chain";
  // A second between files, and a short heartbeat timeout: the SDK sends
  // heartbeats (and so learns of the cancel) every 0.8 s, so the cancel lands
  // well before the last file.
  const plan = await h.call<PlanResult>("plan", {
    stack,
    template: TEMPLATE,
    parameters: { pace_seconds: 1 },
  });
  const handle = await h.start({
    activity: "apply",
    input: { hash: plan.hash },
    heartbeatTimeoutMs: 1000,
  });
  // The heartbeats, as the server shows them for the pending activity.
  const seen = await waitFor(
    "a heartbeat with two files done",
    async () => {
      const details = await h.pendingHeartbeat(handle);
      return details !== undefined && (details as RunnerHeartbeat).done >= 4
        ? details
        : undefined;
    },
    60_000,
    100,
  );
  assertHeartbeat(seen);
  assert.equal(seen.phase, "apply");
  assert.match(seen.address, /^(local_file|terraform_data)\./);
  await handle.cancel();
  const err = await h.result(handle).then(
    () => assert.fail("the apply completed"),
    (e: unknown) => e,
  );
  assert.ok(
    err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure,
    `not a cancel: ${err}`,
  );

  const log = await h.runLogLines(stack, "apply");
  assert.ok(
    log.some((l) => l.startsWith("cancel: SIGINT to tofu")),
    "SIGINT was sent",
  );
  assert.ok(
    log.some((l) => l.startsWith("cancel: tofu exited")),
    "tofu exited",
  );
  assert.ok(
    !log.some((l) => l.includes("SIGKILL")) ||
      log.every((l) => !l.includes("still running, SIGKILL")),
    "no SIGKILL was needed",
  );
  const interrupted = await filesOnDisk(stack);
  console.log(
    `cancel: tofu stopped with ${interrupted.length} of ${FILES} files created`,
  );
  assert.ok(
    interrupted.length >= 2 && interrupted.length < FILES,
    `cancelled mid-apply (${interrupted.length} files)`,
  );
  await assertStateEqualsWhatExists(stack);

  // The lock is free and the rest is planned: exactly the missing files.
  const rest = await h.call<PlanResult>("plan", { stack, template: TEMPLATE });
  const planned = rest.summary
    .filter((r) => r.address.startsWith("local_file."))
    .map((r) => `${r.address.slice(11)}.txt`)
    .sort();
  assert.deepEqual(
    planned,
    ALL_FILES.filter((f) => !interrupted.includes(f)),
  );
  await h.call<DestroyResult>("destroy", { stack, template: TEMPLATE });
  assert.deepEqual(await filesOnDisk(stack), []);
});

function step(what: string): void {
  if (process.env.PROVISIO_TEST_VERBOSE)
    console.log(`${new Date().toISOString()} ${what}`);
}

test("a second run on a stack fails clearly (retryable StateLocked) while an apply holds its lock", async () => {
  const stack = "lock-chain";
  const inputs = { stack, template: TEMPLATE, parameters: PACED };
  const plan = await h.call<PlanResult>("plan", inputs);
  const handle = await h.start({
    activity: "apply",
    input: { hash: plan.hash },
    heartbeatTimeoutMs: 3000,
  });
  await waitFor("the apply to start", async () =>
    (await events(stack)).some((e) => e.type === "apply_start")
      ? true
      : undefined,
  );
  const err = await h.call("plan", inputs, { maximumAttempts: 1 }).then(
    () => assert.fail("the second plan ran while the apply held the lock"),
    (e: unknown) => e,
  );
  assert.ok(
    err instanceof WorkflowFailedError && err.cause instanceof ActivityFailure,
  );
  const failure = err.cause.cause;
  assert.ok(failure instanceof ApplicationFailure);
  assert.equal(failure.type, "StateLocked");
  assert.equal(failure.nonRetryable, false);
  assert.match(failure.message, /Error acquiring the state lock/);
  // The first apply is unharmed, and once it is done the lock is free.
  const applied = (await h.result(handle)) as ApplyResult;
  assert.equal(applied.progress.done, 2 * FILES + 1);
  assert.deepEqual(await filesOnDisk(stack), ALL_FILES);
  assert.equal((await h.call<PlanResult>("plan", inputs)).hasChanges, false);
  await h.call<DestroyResult>("destroy", {
    ...inputs,
    parameters: { pace_seconds: 0 },
  });
});

interface KillPoint {
  name: string;
  /** Whether the events so far are the moment to kill. */
  now(all: TofuEvent[]): boolean;
}

const KILL_POINTS: KillPoint[] = [
  {
    name: "before the first apply_complete",
    now: (all) => all.some((e) => e.type === "apply_start"),
  },
  {
    name: "after the 3rd apply_complete",
    now: (all) => completedFiles(all).length >= 3,
  },
  {
    name: "after the last apply_complete",
    now: (all) => completedFiles(all).length >= FILES,
  },
];

for (const point of KILL_POINTS) {
  test(`the worker SIGKILLed ${point.name}: the retry converges`, async () => {
    const stack = `crash-${KILL_POINTS.indexOf(point)}`;
    const plan = await h.call<PlanResult>("plan", {
      stack,
      template: TEMPLATE,
      parameters: PACED,
    });
    assert.equal(plan.summary.length, 2 * FILES + 1);
    const handle = await h.start({
      activity: "apply",
      input: { hash: plan.hash },
      heartbeatTimeoutMs: 3000,
      maximumAttempts: 5,
    });
    const atKill = await waitFor(
      `the moment ${point.name}`,
      async () => {
        const all = await events(stack);
        return point.now(all) ? all : undefined;
      },
      120_000,
      20,
    );
    step("killing the runner");
    await h.killRunner();
    step("killed");
    const running = atKill
      .filter((e) => e.type === "apply_start")
      .map((e) => e.hook!.resource!.addr!);
    const finished = new Set(
      atKill
        .filter((e) => e.type === "apply_complete")
        .map((e) => e.hook!.resource!.addr!),
    );
    const inFlight = running.filter((a) => !finished.has(a));
    const onDisk = await filesOnDisk(stack);
    console.log(
      `kill ${point.name}: hit after ${completedFiles(atKill).length} local_file apply_complete event(s), ` +
        `with ${inFlight.join(", ") || "nothing"} in flight; ${onDisk.length} of ${FILES} files on disk`,
    );
    const heartbeat = await h.pendingHeartbeat(handle);
    if (heartbeat !== undefined) assertHeartbeat(heartbeat);

    step("restarting the runner");
    await h.startRunner();
    step("runner restarted");
    const result = (await h.result(handle)) as ApplyResult;
    console.log(
      `  retried: ${result.resumedWithPlan ? `resumed with a fresh plan ${result.resumedWithPlan.slice(0, 12)}` : "the same plan applied again"}; ` +
        `the killed attempt's last heartbeat: ${JSON.stringify(result.previousAttemptProgress)}`,
    );
    assert.ok(
      result.previousAttemptProgress,
      "the retry saw the killed attempt's heartbeat",
    );
    assertHeartbeat(result.previousAttemptProgress);

    // Exactly one of each resource, and the state equals what exists.
    assert.deepEqual(await filesOnDisk(stack), ALL_FILES);
    for (let i = 0; i < FILES; i++) {
      assert.equal(
        await readFile(path.join(h.localRoot, stack, `f${i}.txt`), "utf8"),
        `file ${i} of ${stack}\n`,
      );
    }
    const addresses = await assertStateEqualsWhatExists(stack);
    assert.equal(addresses.length, 2 * FILES + 1);
    assert.equal(new Set(addresses).size, addresses.length);
    // The progress rows the killed attempt left are finished by the retry.
    await assertProgressFinished(handle.workflowId, plan.hash, addresses);
    // (A plan with no changes would add nothing: the 21 addresses in state
    // and no drift already say the configuration is fully applied.)
    await h.call<DestroyResult>("destroy", {
      stack,
      template: TEMPLATE,
      parameters: { pace_seconds: 0 },
    });
    assert.deepEqual(await filesOnDisk(stack), []);
  });
}

// interruptedApply: apply(hash) whose attempt 1 is killed before it reaches
// tofu apply, with the plan's row marked started as a dying attempt leaves
// it; the runner is restarted, so attempt 2 runs. OpenTofu persists state
// during an apply only every 20 s, so a real kill never leaves half-saved
// state here: the tests move the state under the plan themselves first.
async function interruptedApply(
  stack: string,
  hash: string,
): Promise<WorkflowHandle> {
  await sql(
    h.database,
    "UPDATE iac_plans SET apply_started_at = now() WHERE hash = $1",
    [hash],
  );
  const handle = await h.start({
    activity: "apply",
    input: { hash },
    heartbeatTimeoutMs: 2000,
  });
  await waitFor("attempt 1 to start", async () => {
    const lines = await h.runLogLines(stack, "apply");
    return lines.some((l) => l.includes(`workflow ${handle.workflowId}`))
      ? true
      : undefined;
  });
  await h.killRunner();
  await h.startRunner();
  return handle;
}

test("a retried apply whose plan went stale under its own partial apply resumes from a fresh plan that matches the approved one", async () => {
  // The dead attempt's partial apply, made by hand: the approved plan
  // creates index.html and manifest.json; the same request with the
  // manifest excluded is applied, so the state holds index.html only.
  const stack = "resume-site";
  const request = {
    stack,
    template: "local-site",
    parameters: { site_name: "resume", greeting: "First request" },
  };
  const approved = await h.call<PlanResult>("plan", request);
  assert.equal(approved.summary.length, 2);
  const partial = await h.call<PlanResult>("plan", {
    ...request,
    exclude: ["local_file.manifest"],
  });
  await h.call<ApplyResult>("apply", { hash: partial.hash });

  const handle = await interruptedApply(stack, approved.hash);
  const result = (await h.result(handle)) as ApplyResult;
  assert.ok(result.resumedWithPlan, "the retry resumed from a fresh plan");
  assert.notEqual(result.resumedWithPlan, approved.hash);
  assert.equal(result.resumeMatched, true);
  assert.deepEqual(
    result.applied.map((a) => `${a.address} ${a.action}`),
    ["local_file.manifest create"],
  );
  // Progress counts the approved plan's changes, index.html done before.
  assert.equal(result.progress.done, 2);
  assert.equal(result.progress.total, 2);
  const site = path.join(h.localRoot, stack, "resume");
  assert.match(
    await readFile(path.join(site, "index.html"), "utf8"),
    /First request/,
  );
  assert.match(
    await readFile(path.join(site, "manifest.json"), "utf8"),
    /"site":"resume"/,
  );
  // The rows are the approved plan's: index.html settled, the manifest applied.
  await assertProgressFinished(handle.workflowId, approved.hash, [
    "local_file.index",
    "local_file.manifest",
  ]);
  const log = await h.runLogLines(stack, "apply");
  assert.ok(
    log.some((l) =>
      l.startsWith(
        `the fresh plan ${result.resumedWithPlan} matches the approved plan (1 of its 2 changes left)`,
      ),
    ),
  );

  // On a first attempt, the same stale plan is refused.
  const failure = await applicationFailure(
    h.call("apply", { hash: approved.hash }),
  );
  assert.equal(failure.type, "StalePlan");
  assert.match(failure.message, /Saved plan is stale/);
  await h.call<DestroyResult>("destroy", request);
});

test("a retried apply resumes when the interrupted attempt left a tainted object that the approved plan creates", async () => {
  // An attempt stopped by SIGINT while a pacer's local-exec sleeps (a cancel
  // here; a heartbeat timeout of a starved runner does the same) saves that
  // pacer tainted, so the fresh plan replaces what the approved plan
  // creates. The object is the request's own half-made one: the retry
  // finishes the approved plan without a new approval.
  const stack = "tainted-chain";
  const inputs = { stack, template: TEMPLATE, parameters: { pace_seconds: 2 } };
  const approved = await h.call<PlanResult>("plan", inputs);
  const first = await h.start({
    activity: "apply",
    input: { hash: approved.hash },
    heartbeatTimeoutMs: 1000,
  });
  await waitFor(
    "two files",
    async () => ((await filesOnDisk(stack)).length >= 2 ? true : undefined),
    60_000,
    50,
  );
  await first.cancel();
  await h.result(first).then(
    () => assert.fail("the first apply completed"),
    () => undefined,
  );
  const again = await h.call<PlanResult>("plan", inputs);
  const tainted = again.summary.filter(
    (c) => c.actionReason === "replace_because_tainted",
  );
  assert.equal(
    tainted.length,
    1,
    `one tainted pacer: ${JSON.stringify(again.summary.map((c) => [c.address, c.actions, c.actionReason]))}`,
  );
  assert.match(tainted[0].address, /^terraform_data\.pace_\d$/);

  const handle = await interruptedApply(stack, approved.hash);
  const result = (await h.result(handle)) as ApplyResult;
  assert.equal(result.resumeMatched, true);
  assert.ok(
    result.applied.some((a) => a.address === tainted[0].address),
    `the tainted pacer was replaced: ${JSON.stringify(result.applied)}`,
  );
  assert.deepEqual(await filesOnDisk(stack), ALL_FILES);
  await assertStateEqualsWhatExists(stack);
  await h.call<DestroyResult>("destroy", {
    ...inputs,
    parameters: { pace_seconds: 0 },
  });
  assert.deepEqual(await filesOnDisk(stack), []);
});

test("a retried apply whose request now plans another action than approved ends StalePlan naming the address", async () => {
  // Out of band, between the approval and the retry: another request's plan
  // is applied, so the fresh plan replaces index.html that the approved
  // plan created.
  const stack = "moved-site";
  const request = (greeting: string) => ({
    stack,
    template: "local-site",
    parameters: { site_name: "moved", greeting },
  });
  const approved = await h.call<PlanResult>("plan", request("First request"));
  const other = await h.call<PlanResult>("plan", request("Other request"));
  await h.call<ApplyResult>("apply", { hash: other.hash });

  const handle = await interruptedApply(stack, approved.hash);
  const failure = await applicationFailure(h.result(handle));
  assert.equal(failure.type, "StalePlan");
  assert.equal(failure.nonRetryable, true);
  assert.match(
    failure.message,
    /is stale after an interrupted attempt, and the fresh plan [0-9a-f]{64} of its request differs from it: local_file\.index: actions delete,create, approved create/,
  );
  // Nothing was applied: index.html is still the other request's.
  assert.match(
    await readFile(
      path.join(h.localRoot, stack, "moved", "index.html"),
      "utf8",
    ),
    /Other request/,
  );
  await h.call<DestroyResult>("destroy", request("Other request"));
});

test("a retried apply whose fresh plan has another value than approved ends StalePlan naming the address and attribute", async () => {
  // The approved plan creates marker.txt and copy.txt (copy of source.txt,
  // "v1"); the marker alone is applied, as the dead attempt would have; then
  // source.txt is changed out of band, so the fresh plan's copy says "v2".
  const stack = "copy-site";
  const request = { stack, template: "copy" };
  const dir = path.join(h.localRoot, stack);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "source.txt"), "v1\n");
  const approved = await h.call<PlanResult>("plan", request);
  assert.deepEqual(approved.summary.map((c) => c.address).sort(), [
    "local_file.copy",
    "local_file.marker",
  ]);
  const partial = await h.call<PlanResult>("plan", {
    ...request,
    exclude: ["local_file.copy"],
  });
  await h.call<ApplyResult>("apply", { hash: partial.hash });
  await writeFile(path.join(dir, "source.txt"), "v2\n");

  const handle = await interruptedApply(stack, approved.hash);
  const failure = await applicationFailure(h.result(handle));
  assert.equal(failure.type, "StalePlan");
  assert.equal(failure.nonRetryable, true);
  assert.match(
    failure.message,
    /differs from it: local_file\.copy: content would be "v2\\n", approved "v1\\n"/,
  );
  const [details] = failure.details as Array<{
    differences: Array<{ address: string; reason: string }>;
  }>;
  assert.deepEqual(
    details.differences.map((d) => d.address),
    ["local_file.copy"],
  );
  assert.ok(!(await filesOnDisk(stack)).includes("copy.txt"));
  await h.call<DestroyResult>("destroy", request);
});
