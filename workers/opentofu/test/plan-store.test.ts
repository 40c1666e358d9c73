// PlanStore on the real PostgreSQL: a database whose iac_plans an older
// runner made (without the approved changes) keeps working: the columns are
// added, its rows read back with no changes, and new rows keep theirs.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { KeyRing, sealWithRing } from "@provisio/codec-ts";
import type { PlannedChange } from "../src/plan-match";
import { PlanStore, sha256Hex } from "../src/plan-store";
import { pgUrl, sql } from "./harness";

const DATABASE = "runner_plan_store";
const ring = KeyRing.fromHex(
  "test-plan-store",
  randomBytes(32).toString("hex"),
);

// The table as the runner created it before it kept the approved changes.
const OLDER_RUNNER_SCHEMA = `
CREATE TABLE iac_plans (
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
)`;

before(async () => {
  await sql("postgres", `DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await sql("postgres", `CREATE DATABASE ${DATABASE}`);
  await sql(DATABASE, OLDER_RUNNER_SCHEMA);
});
after(async () => {
  await sql("postgres", `DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
});

// olderRow: a plan row as the older runner wrote it; its hash.
async function olderRow(planFile: Buffer): Promise<string> {
  const hash = sha256Hex(planFile);
  const plan = sealWithRing(ring, planFile);
  const inputs = sealWithRing(
    ring,
    Buffer.from(JSON.stringify({ stack: "old", template: "local-site" })),
  );
  await sql(
    DATABASE,
    `INSERT INTO iac_plans (hash, stack, template, operation, key_id, ciphertext,
       inputs_key_id, inputs_ciphertext, resource_changes)
     VALUES ($1, 'old', 'local-site', 'plan', $2, $3, $4, $5, 1)`,
    [hash, plan.keyId, plan.data, inputs.keyId, inputs.data],
  );
  return hash;
}

const CHANGES: PlannedChange[] = [
  {
    address: "local_file.index",
    actions: ["create"],
    after: { content: "<h1>hello</h1>", id: null },
    afterUnknown: { id: true },
    afterSensitive: {},
  },
];

test("an older runner's iac_plans gains the changes columns; its rows read back without changes", async () => {
  const oldPlan = randomBytes(64);
  const oldHash = await olderRow(oldPlan);
  const store = new PlanStore(pgUrl(DATABASE), ring);
  try {
    const old = await store.get<{ stack: string }>(oldHash);
    assert.ok(old);
    assert.equal(old.changes, undefined);
    assert.deepEqual(old.inputs, { stack: "old", template: "local-site" });
    assert.ok(old.planFile.equals(oldPlan));

    // A new row keeps its changes, sealed: the plaintext is in no column.
    const hash = await store.put({
      stack: "new",
      template: "local-site",
      operation: "plan",
      planFile: randomBytes(64),
      inputs: { stack: "new" },
      resourceChanges: 1,
      changes: CHANGES,
    });
    assert.deepEqual((await store.get(hash))?.changes, CHANGES);
    const [row] = await sql<{ text: string }>(
      DATABASE,
      "SELECT iac_plans::text AS text FROM iac_plans WHERE hash = $1",
      [hash],
    );
    assert.ok(!row.text.includes("hello"));
    assert.ok(!row.text.includes(Buffer.from("hello").toString("hex")));

    // The older row's plan stored again gets its changes.
    await store.put({
      stack: "old",
      template: "local-site",
      operation: "plan",
      planFile: oldPlan,
      inputs: { stack: "old" },
      resourceChanges: 1,
      changes: CHANGES,
    });
    assert.deepEqual((await store.get(oldHash))?.changes, CHANGES);
  } finally {
    await store.close();
  }
});
