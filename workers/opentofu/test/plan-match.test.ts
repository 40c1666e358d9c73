// The crash-resume rule on plan changes as `tofu show -json` gives them: a
// fresh plan matches when each of its changes has the approved address,
// actions and known after values, unknowns on either side matching anything.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  describeDifferences,
  finishesApprovedCreate,
  PlannedChange,
  plannedChanges,
  unapprovedChanges,
} from "../src/plan-match";

function change(
  address: string,
  actions: string[],
  after: unknown,
  afterUnknown: unknown = {},
  afterSensitive: unknown = {},
): PlannedChange {
  return { address, actions, after, afterUnknown, afterSensitive };
}

const index = change("local_file.index", ["create"], {
  content: "<h1>A</h1>",
  filename: "/site/index.html",
  id: null,
  tags: { env: "dev", team: "a" },
  rules: [{ port: 80 }, { port: 443 }],
});
const manifest = change("local_file.manifest", ["create"], {
  content: "{}",
  id: null,
});

test("the changes of a shown plan leave out no-ops and reads", () => {
  const changes = plannedChanges({
    resource_changes: [
      {
        address: "local_file.index",
        change: {
          actions: ["create"],
          after: { content: "x" },
          after_unknown: { id: true },
          after_sensitive: {},
        },
      },
      { address: "local_file.same", change: { actions: ["no-op"] } },
      { address: "data.local_file.src", change: { actions: ["read"] } },
      {
        address: "local_file.gone",
        change: { actions: ["delete"], before: { content: "y" } },
      },
    ],
  });
  assert.deepEqual(changes, [
    change("local_file.index", ["create"], { content: "x" }, { id: true }),
    change("local_file.gone", ["delete"], null, false, false),
  ]);
});

test("a fresh plan with the approved changes, or some of them, matches", () => {
  assert.deepEqual(unapprovedChanges([index, manifest], [index, manifest]), []);
  assert.deepEqual(unapprovedChanges([index, manifest], [manifest]), []);
  assert.deepEqual(unapprovedChanges([index, manifest], []), []);
  const deleted = change("local_file.old", ["delete"], null, false);
  assert.deepEqual(unapprovedChanges([deleted], [deleted]), []);
});

test("unknown values on either side match anything", () => {
  const approvedUnknown = change(
    "local_file.index",
    ["create"],
    { content: null, filename: "/site/index.html", tags: { env: null } },
    { content: true, id: true, tags: { env: true } },
  );
  const fresh = change("local_file.index", ["create"], {
    content: "anything",
    filename: "/site/index.html",
    id: "abc",
    tags: { env: "prod" },
  });
  assert.deepEqual(unapprovedChanges([approvedUnknown], [fresh]), []);
  const freshUnknown = change(
    "local_file.index",
    ["create"],
    { ...(index.after as object), content: null, rules: null },
    { content: true, rules: true },
  );
  assert.deepEqual(unapprovedChanges([index], [freshUnknown]), []);
});

test("another address, other actions or another known value is named with the reason", () => {
  const extra = change("local_file.extra", ["create"], {});
  assert.deepEqual(unapprovedChanges([index], [extra]), [
    {
      address: "local_file.extra",
      reason: "create is not in the approved plan",
    },
  ]);
  const replaced = { ...index, actions: ["delete", "create"] };
  assert.deepEqual(unapprovedChanges([index], [replaced]), [
    {
      address: "local_file.index",
      reason: "actions delete,create, approved create",
    },
  ]);
  const changed = change("local_file.index", ["create"], {
    ...(index.after as object),
    content: "<h1>B</h1>",
    tags: { env: "prod", team: "a" },
    rules: [{ port: 80 }, { port: 8443 }],
  });
  assert.deepEqual(unapprovedChanges([index], [changed]), [
    {
      address: "local_file.index",
      reason:
        'content would be "<h1>B</h1>", approved "<h1>A</h1>"; ' +
        "rules[1].port would be 8443, approved 443; " +
        'tags.env would be "prod", approved "dev"',
    },
  ]);
  const fewer = change("local_file.index", ["create"], {
    ...(index.after as object),
    rules: [{ port: 80 }],
  });
  assert.match(
    describeDifferences(unapprovedChanges([index], [fewer])),
    /^local_file\.index: rules would be \[\{"port":80\}\], approved \[/,
  );
});

test("a sensitive value compares by value and is never shown", () => {
  const secret = (value: string) =>
    change(
      "local_sensitive_file.secret",
      ["create"],
      { content: value, filename: "/s" },
      {},
      { content: true },
    );
  assert.deepEqual(
    unapprovedChanges([secret("old-secret")], [secret("old-secret")]),
    [],
  );
  const [difference] = unapprovedChanges(
    [secret("old-secret")],
    [secret("new-secret")],
  );
  assert.equal(
    difference.reason,
    "content (sensitive) differs from the approved value",
  );
  assert.ok(!describeDifferences([difference]).includes('secret"'));
});

test("replacing a tainted object that the approved plan creates finishes that create", () => {
  // What an apply stopped during a provisioner leaves: the object in state,
  // tainted, and a fresh plan that replaces it.
  const pacer = change("terraform_data.pace_2", ["create"], { input: null });
  const tainted = (actions: string[], actionReason?: string) => ({
    ...pacer,
    actions,
    ...(actionReason ? { actionReason } : {}),
  });
  for (const actions of [
    ["delete", "create"],
    ["create", "delete"],
  ]) {
    assert.deepEqual(
      unapprovedChanges([pacer], [tainted(actions, "replace_because_tainted")]),
      [],
    );
  }
  // Another reason, no reason, or an approved change that was not a create:
  // the world moved, not this request's own interrupted create.
  assert.deepEqual(
    unapprovedChanges(
      [pacer],
      [tainted(["delete", "create"], "replace_because_cannot_update")],
    ),
    [
      {
        address: "terraform_data.pace_2",
        reason: "actions delete,create, approved create",
      },
    ],
  );
  assert.equal(
    finishesApprovedCreate(pacer, tainted(["delete", "create"])),
    false,
  );
  assert.equal(
    finishesApprovedCreate(
      { actions: ["update"] },
      tainted(["delete", "create"], "replace_because_tainted"),
    ),
    false,
  );
  // The values still have to match.
  const other = {
    ...tainted(["delete", "create"], "replace_because_tainted"),
    after: { input: "changed" },
  };
  assert.equal(unapprovedChanges([pacer], [other]).length, 1);
  // plannedChanges keeps tofu's reason.
  const [read] = plannedChanges({
    resource_changes: [
      {
        address: "terraform_data.pace_2",
        action_reason: "replace_because_tainted",
        change: { actions: ["delete", "create"], after: { input: null } },
      },
    ],
  });
  assert.equal(read.actionReason, "replace_because_tainted");
});

test("describeDifferences names the first five and counts the rest", () => {
  const many = Array.from({ length: 7 }, (_, i) => ({
    address: `local_file.f${i}`,
    reason: "create is not in the approved plan",
  }));
  const text = describeDifferences(many);
  assert.match(text, /^local_file\.f0: create is not in the approved plan; /);
  assert.match(text, /local_file\.f4: [^;]*; and 2 more$/);
  assert.ok(!text.includes("local_file.f5"));
});
