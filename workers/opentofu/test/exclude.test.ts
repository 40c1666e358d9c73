// PlanInput.exclude through the real server: the plan leaves the excluded
// resource out (tofu plan -exclude), the apply of that plan creates only the
// others, the stored plan's request keeps the list, and anything that is not
// a resource address is refused before tofu runs.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import type {
  ApplyResult,
  DestroyResult,
  PlanInput,
  PlanResult,
  ResourcesResult,
} from "../src/activities";
import { PlanStore } from "../src/plan-store";
import { applicationFailure, Harness, pgUrl } from "./harness";

let h: Harness;
before(async () => {
  h = await Harness.start("exclude");
});
after(async () => {
  await h?.close();
});

test("a plan excluding one resource: apply leaves it absent from the state while the others exist", async () => {
  const stack = "exclude-site";
  const inputs = {
    stack,
    template: "local-site",
    parameters: { site_name: "partial" },
  };
  const siteDir = path.join(h.localRoot, stack, "partial");
  const plan = await h.call<PlanResult>("plan", {
    ...inputs,
    exclude: ["local_file.manifest"],
  });
  assert.deepEqual(
    plan.summary.map((c) => `${c.address} ${c.actions.join(",")}`),
    ["local_file.index create"],
  );

  // The stored request keeps the list (a resumed apply plans it again).
  const store = new PlanStore(pgUrl(h.database), h.ring);
  try {
    const stored = await store.get<PlanInput>(plan.hash);
    assert.deepEqual(stored?.inputs.exclude, ["local_file.manifest"]);
  } finally {
    await store.close();
  }

  const applied = await h.call<ApplyResult>("apply", { hash: plan.hash });
  assert.deepEqual(
    applied.applied.map((a) => a.address),
    ["local_file.index"],
  );
  const { addresses } = await h.call<ResourcesResult>("resources", inputs);
  assert.deepEqual(addresses, ["local_file.index"]);
  assert.ok(existsSync(path.join(siteDir, "index.html")));
  assert.ok(!existsSync(path.join(siteDir, "manifest.json")));

  // Without the exclusion the rest is planned: exactly the manifest.
  const rest = await h.call<PlanResult>("plan", inputs);
  assert.deepEqual(
    rest.summary.map((c) => `${c.address} ${c.actions.join(",")}`),
    ["local_file.manifest create"],
  );
  await h.call<DestroyResult>("destroy", inputs);
  assert.ok(!existsSync(path.join(siteDir, "index.html")));
});

test("an exclude entry that is not a resource address is the non-retryable InvalidConfiguration naming it", async () => {
  const inputs = {
    stack: "exclude-bad",
    template: "local-site",
    parameters: { site_name: "bad" },
  };
  for (const bad of ["-destroy", "local_file", "local_file.index; rm -rf /"]) {
    const failure = await applicationFailure(
      h.call("plan", { ...inputs, exclude: ["local_file.index", bad] }),
    );
    assert.equal(failure.type, "InvalidConfiguration");
    assert.equal(failure.nonRetryable, true);
    assert.ok(
      failure.message.includes(JSON.stringify(bad)),
      `the message names ${bad}: ${failure.message}`,
    );
  }
  const notAList = await applicationFailure(
    h.call("plan", { ...inputs, exclude: "local_file.index" }),
  );
  assert.equal(notAList.type, "InvalidConfiguration");
  assert.match(notAList.message, /exclude must be a list/);
  // Refused before tofu ran: no run of the stack was logged.
  assert.deepEqual(await h.runLogLines("exclude-bad", "plan"), []);
});
