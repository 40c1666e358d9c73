// What the runner refuses and what it never reveals, through the real server:
// stale plans, bad parameters and templates as non-retryable typed failures,
// and secrets that appear in no table and leave the worker only sealed.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { openText } from "@provisio/codec-ts";
import type {
  ApplyResult,
  DestroyResult,
  OutputsResult,
  PlanResult,
} from "../src/activities";
import { applicationFailure, Harness, pgUrl, sql } from "./harness";
import { Client as PgClient } from "pg";

// A file whose content is a sensitive parameter: the plan summary, the plan
// text, the stored rows and the logs must never show it.
const SECRET_FILE_TEMPLATE = `
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
variable "secret" {
  type      = string
  sensitive = true
}
resource "local_sensitive_file" "secret" {
  filename = "\${var.provisio_local_root}/\${var.provisio_stack}/secret.txt"
  content  = var.secret
}
output "secret" {
  value     = var.secret
  sensitive = true
}
output "path" {
  value = local_sensitive_file.secret.filename
}
`;

let h: Harness;
before(async () => {
  h = await Harness.start("safety", {
    // An unclosed block on line 3: a syntax error.
    broken: 'terraform {\n}\nresource "terraform_data" "x" {\n  input = "a"\n',
    "secret-file": SECRET_FILE_TEMPLATE,
  });
});
after(async () => {
  await h?.close();
});

// bytesIn: every Uint8Array reachable from `value`.
function bytesIn(value: unknown, seen = new Set<object>()): Buffer[] {
  if (value instanceof Uint8Array) return [Buffer.from(value)];
  if (value === null || typeof value !== "object" || seen.has(value)) return [];
  seen.add(value);
  return Object.values(value).flatMap((v) => bytesIn(v, seen));
}

// activityAttempts: how many attempts the workflow's activity made, from its history.
async function activityAttempts(workflowId: string): Promise<number> {
  const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
  const attempts = (history.events ?? [])
    .map((e) => e.activityTaskStartedEventAttributes?.attempt)
    .filter((attempt): attempt is number => typeof attempt === "number");
  return Math.max(0, ...attempts);
}

test("a stale plan is refused as the non-retryable StalePlan, on the first attempt", async () => {
  const inputs = {
    stack: "team-d-stale",
    template: "local-site",
    parameters: { site_name: "stale" },
  };
  const first = await h.call<PlanResult>("plan", inputs);
  const second = await h.call<PlanResult>("plan", inputs);
  assert.notEqual(first.hash, second.hash);
  await h.call<ApplyResult>("apply", { hash: second.hash });
  const handle = await h.start({
    activity: "apply",
    input: { hash: first.hash },
    maximumAttempts: 5,
  });
  const failure = await applicationFailure(h.result(handle));
  assert.equal(failure.type, "StalePlan");
  assert.equal(failure.nonRetryable, true);
  assert.match(failure.message, /Saved plan is stale/);
  assert.equal(await activityAttempts(handle.workflowId), 1);
  await h.call<DestroyResult>("destroy", inputs);
});

test("an unknown plan hash is the non-retryable PlanNotFound", async () => {
  const failure = await applicationFailure(
    h.call("apply", { hash: "0".repeat(64) }),
  );
  assert.equal(failure.type, "PlanNotFound");
  assert.equal(failure.nonRetryable, true);
});

test("a bad parameter is the non-retryable InvalidConfiguration naming the variable", async () => {
  const handle = await h.start({
    activity: "plan",
    input: {
      stack: "team-f-bad",
      template: "local-site",
      parameters: { site_name: "Not A Name!" },
    },
  });
  const failure = await applicationFailure(h.result(handle));
  assert.equal(failure.type, "InvalidConfiguration");
  assert.equal(failure.nonRetryable, true);
  assert.match(failure.message, /var\.site_name/);
  assert.match(failure.message, /site_name must be 3 to 63/);
  assert.equal(await activityAttempts(handle.workflowId), 1);
  const [details] = failure.details as Array<{
    diagnostics: Array<{ summary: string; file?: string }>;
  }>;
  assert.equal(details.diagnostics[0].summary, "Invalid value for variable");
});

test("a template with a syntax error is InvalidConfiguration with file and line", async () => {
  const failure = await applicationFailure(
    h.call("plan", { stack: "team-f-broken", template: "broken" }),
  );
  assert.equal(failure.type, "InvalidConfiguration");
  assert.equal(failure.nonRetryable, true);
  assert.match(failure.message, /main\.tf:3/);
});

test("database: the generated password is in no table and leaves the worker only sealed", async () => {
  const stack = "team-c-db";
  const inputs = {
    stack,
    template: "database",
    parameters: { database_name: "orders_safety" },
  };
  const created = await h.call<PlanResult>("plan", inputs);
  await h.call<ApplyResult>("apply", { hash: created.hash });
  const outputsRun = await h.start({
    activity: "outputs",
    input: { stack, template: "database" },
  });
  const { outputs } = await h.result<OutputsResult>(outputsRun);
  const sealed = outputs.owner_password;
  assert.equal(sealed.sensitive, true);
  assert.ok(sealed.sensitive && !("value" in sealed));
  const password = JSON.parse(openText(h.ring, sealed.sealed)) as string;
  assert.equal(password.length, 32);
  assert.ok(!JSON.stringify(outputs).includes(password));
  assert.deepEqual(outputs.owner_role, {
    sensitive: false,
    value: "orders_safety_owner",
  });

  // It is the real password: it logs in.
  const owner = new PgClient({
    connectionString: pgUrl("orders_safety").replace(
      /\/\/[^@]*@/,
      `//orders_safety_owner:${encodeURIComponent(password)}@`,
    ),
  });
  await owner.connect();
  assert.equal(
    (await owner.query("SELECT current_user AS u")).rows[0].u,
    "orders_safety_owner",
  );
  await owner.end();

  // A second plan holds the prior state (with the password) in its plan file.
  const changed = await h.call<PlanResult>("plan", {
    ...inputs,
    parameters: { ...inputs.parameters, connection_limit: 30 },
  });
  assert.deepEqual(
    changed.summary.map((r) => `${r.address} ${r.actions.join(",")}`),
    ["postgresql_database.db update"],
  );

  const needle = Buffer.from(password);
  const plans = await sql<{ ciphertext: Buffer; inputs_ciphertext: Buffer }>(
    h.database,
    "SELECT ciphertext, inputs_ciphertext FROM iac_plans",
  );
  assert.ok(plans.length >= 2);
  for (const row of plans) {
    assert.ok(
      !row.ciphertext.includes(needle) &&
        !row.inputs_ciphertext.includes(needle),
      "a plan row holds the password",
    );
  }
  const states = await sql<{ data: string }>(
    h.database,
    "SELECT data FROM tofu_state.states",
  );
  assert.ok(states.some((s) => s.data.length > 0));
  for (const state of states) {
    assert.ok(
      !state.data.includes(password) &&
        !state.data.includes("orders_safety_owner"),
      "a state row holds plaintext",
    );
  }
  const logs = await sql<{ n: string }>(
    h.database,
    "SELECT count(*) AS n FROM iac_run_logs WHERE position($1 in line) > 0",
    [password],
  );
  assert.equal(logs[0].n, "0");
  // Nor is it in the outputs workflow's history: every payload is encrypted.
  const history = await outputsRun.fetchHistory();
  // Every byte string in the history (the protobuf messages' own toJSON
  // would give base64), as latin1 text.
  const raw = bytesIn(history.events)
    .map((b) => b.toString("latin1"))
    .join("\n");
  assert.ok(
    raw.includes("binary/encrypted"),
    "the history's payloads are encrypted",
  );
  assert.ok(!raw.includes(password), "the history holds the password");
  await h.call<DestroyResult>("destroy", inputs);
  const left = await sql(
    h.database.replace(/.*/, "postgres"),
    "SELECT 1 FROM pg_database WHERE datname = 'orders_safety'",
  );
  assert.equal(left.length, 0);
});

test("a sensitive parameter is masked in the summary and plan text, and in no row or log line", async () => {
  const stack = "team-g-secret";
  const first = `first-secret-${Date.now()}`;
  const second = `second-secret-${Date.now()}`;
  const created = await h.call<PlanResult>("plan", {
    stack,
    template: "secret-file",
    parameters: { secret: first },
  });
  const content = created.summary[0].changed.find((c) => c.name === "content")!;
  assert.deepEqual(content, {
    name: "content",
    sensitive: true,
    after: "(sensitive value)",
  });
  assert.ok(
    !JSON.stringify(created).includes(first),
    "the plan result holds the secret",
  );
  await h.call<ApplyResult>("apply", { hash: created.hash });

  const changed = await h.call<PlanResult>("plan", {
    stack,
    template: "secret-file",
    parameters: { secret: second },
  });
  const change = changed.summary.find(
    (r) => r.address === "local_sensitive_file.secret",
  )!;
  assert.deepEqual(change.actions, ["delete", "create"]);
  assert.deepEqual(
    change.changed.find((c) => c.name === "content"),
    {
      name: "content",
      sensitive: true,
      before: "(sensitive value)",
      after: "(sensitive value)",
    },
  );
  const text = JSON.stringify(changed);
  assert.ok(!text.includes(first) && !text.includes(second));
  await h.call<ApplyResult>("apply", { hash: changed.hash });
  const { outputs } = await h.call<OutputsResult>("outputs", {
    stack,
    template: "secret-file",
  });
  assert.ok(outputs.secret.sensitive);
  assert.equal(JSON.parse(openText(h.ring, outputs.secret.sealed)), second);

  for (const secret of [first, second]) {
    const needle = Buffer.from(secret);
    const plans = await sql<{ ciphertext: Buffer; inputs_ciphertext: Buffer }>(
      h.database,
      "SELECT ciphertext, inputs_ciphertext FROM iac_plans",
    );
    for (const row of plans) {
      assert.ok(
        !row.ciphertext.includes(needle) &&
          !row.inputs_ciphertext.includes(needle),
        "a plan row holds the secret",
      );
    }
    const logs = await sql<{ n: string }>(
      h.database,
      "SELECT count(*) AS n FROM iac_run_logs WHERE position($1 in line) > 0",
      [secret],
    );
    assert.equal(logs[0].n, "0", "a log line holds the secret");
    const states = await sql<{ n: string }>(
      h.database,
      "SELECT count(*) AS n FROM tofu_state.states WHERE position($1 in data) > 0",
      [secret],
    );
    assert.equal(states[0].n, "0", "a state row holds the secret");
  }
  await h.call<DestroyResult>("destroy", {
    stack,
    template: "secret-file",
    parameters: { secret: second },
  });
});
