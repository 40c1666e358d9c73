// The runner's lifecycle through the real server: each activity is called by
// a workflow on the dev server and run by the runner worker with our tofu,
// state in PostgreSQL and, for static-site, the moto server.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";
import type {
  ApplyResult,
  DestroyResult,
  DriftResult,
  OutputsResult,
  PlanResult,
  ResourcesResult,
} from "../src/activities";
import { Harness } from "./harness";

let h: Harness;
before(async () => {
  h = await Harness.start("lifecycle");
});
after(async () => {
  await h?.close();
});

function actionsByAddress(plan: PlanResult): Record<string, string> {
  return Object.fromEntries(
    plan.summary.map((r) => [r.address, r.actions.join(",")]),
  );
}

test("local-site: plan, apply, outputs, a changed parameter, drift, destroy", async () => {
  const stack = "team-a-docs";
  const inputs = {
    stack,
    template: "local-site",
    parameters: { site_name: "docs" },
  };
  const siteDir = path.join(h.localRoot, stack, "docs");
  const index = path.join(siteDir, "index.html");

  const created = await h.call<PlanResult>("plan", inputs);
  assert.match(created.hash, /^[0-9a-f]{64}$/);
  assert.match(created.templateHash, /^[0-9a-f]{64}$/);
  assert.equal(created.hasChanges, true);
  assert.deepEqual(actionsByAddress(created), {
    "local_file.index": "create",
    "local_file.manifest": "create",
  });
  const indexChange = created.summary.find(
    (r) => r.address === "local_file.index",
  )!;
  assert.ok(
    indexChange.changed.some(
      (c) =>
        c.name === "content" && String(c.after).includes("Hello from Provisio"),
    ),
  );
  assert.match(created.planText, /local_file\.index will be created/);
  assert.equal(existsSync(index), false, "planning created nothing");

  const applied = await h.call<ApplyResult>("apply", { hash: created.hash });
  assert.deepEqual(applied.applied.map((a) => a.address).sort(), [
    "local_file.index",
    "local_file.manifest",
  ]);
  assert.deepEqual(
    {
      done: applied.progress.done,
      total: applied.progress.total,
      status: applied.progress.status,
    },
    { done: 2, total: 2, status: "complete" },
  );
  assert.match(await readFile(index, "utf8"), /Hello from Provisio/);
  const log = await h.call<{ lines: string[] }>("runLog", {
    runId: applied.runId,
  });
  assert.ok(
    log.lines.some((l) => l.includes('"type":"apply_complete"')),
    "the run log holds tofu's events",
  );

  const outputs = await h.call<OutputsResult>("outputs", {
    stack,
    template: "local-site",
  });
  assert.deepEqual(outputs.outputs.index_path, {
    sensitive: false,
    value: index,
  });

  // A changed parameter: the plan shows local_file replacing index.html only.
  const changedInputs = {
    ...inputs,
    parameters: { site_name: "docs", greeting: "Welcome" },
  };
  const changed = await h.call<PlanResult>("plan", changedInputs);
  assert.deepEqual(actionsByAddress(changed), {
    "local_file.index": "delete,create",
  });
  const content = changed.summary[0].changed.find((c) => c.name === "content")!;
  assert.match(String(content.before), /Hello from Provisio/);
  assert.match(String(content.after), /Welcome/);
  await h.call<ApplyResult>("apply", { hash: changed.hash });
  assert.match(await readFile(index, "utf8"), /Welcome/);
  assert.equal(
    (await h.call<PlanResult>("plan", changedInputs)).hasChanges,
    false,
  );

  // Out of band: index.html is deleted; drift names it.
  assert.deepEqual(
    await h.call<DriftResult>("drift", changedInputs).then((d) => d.drifted),
    false,
  );
  await rm(index);
  const drift = await h.call<DriftResult>("drift", changedInputs);
  assert.equal(drift.drifted, true);
  assert.deepEqual(
    drift.resources.map((r) => r.address),
    ["local_file.index"],
  );

  const destroyed = await h.call<DestroyResult>("destroy", changedInputs);
  // The destroy plan refreshes first: index.html is already gone.
  assert.deepEqual(actionsByAddress(destroyed.plan), {
    "local_file.manifest": "delete",
  });
  assert.deepEqual(await readdir(siteDir), []);
  const left = await h.call<ResourcesResult>("resources", {
    stack,
    template: "local-site",
  });
  assert.deepEqual(left.addresses, []);
});

// s3Get: a GET on moto as the `emulator` profile's user. moto does not check
// SigV4 signatures, but it refuses anonymous reads of a private bucket, so the
// request names the credentials the way a signed one does.
function s3Get(endpoint: string, pathname: string): Promise<Response> {
  return fetch(`${endpoint}${pathname}`, {
    headers: {
      authorization:
        "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00",
    },
  });
}

test("static-site on moto: the bucket serves index.html after apply, an update in place, nothing after destroy", async () => {
  const endpoint = process.env.PROVISIO_TEST_S3_ENDPOINT;
  assert.ok(
    endpoint,
    "PROVISIO_TEST_S3_ENDPOINT must be set (scripts/test-iac runner sets it)",
  );
  const stack = "team-b-site";
  const bucket = `team-b-site-${Date.now()}`;
  const inputs = {
    stack,
    template: "static-site",
    parameters: { bucket_name: bucket, team: "b" },
    region: "us-east-1",
    profile: "emulator",
  };
  const created = await h.call<PlanResult>("plan", inputs);
  assert.deepEqual(actionsByAddress(created), {
    "s3_bucket.site": "create",
    "s3_object.index": "create",
  });
  await h.call<ApplyResult>("apply", { hash: created.hash });
  // Read back from moto itself, not through the provider.
  let served = await s3Get(endpoint, `/${bucket}/index.html`);
  assert.equal(served.status, 200);
  assert.match(await served.text(), /Hello from Provisio/);
  const outputs = await h.call<OutputsResult>("outputs", {
    stack,
    template: "static-site",
  });
  assert.deepEqual(outputs.outputs.bucket, { sensitive: false, value: bucket });

  const changedInputs = {
    ...inputs,
    parameters: { ...inputs.parameters, greeting: "Welcome" },
  };
  const changed = await h.call<PlanResult>("plan", changedInputs);
  assert.deepEqual(actionsByAddress(changed), { "s3_object.index": "update" });
  assert.ok(changed.summary[0].changed.some((c) => c.name === "content"));
  await h.call<ApplyResult>("apply", { hash: changed.hash });
  served = await s3Get(endpoint, `/${bucket}/index.html`);
  assert.match(await served.text(), /Welcome/);

  await h.call<DestroyResult>("destroy", changedInputs);
  served = await s3Get(endpoint, `/${bucket}/index.html`);
  assert.equal(served.status, 404);
  const listing = await (await s3Get(endpoint, "/")).text();
  assert.ok(!listing.includes(bucket), "the bucket is gone");
});
