// A stuck resource resolved by an operator with retry: local-site's apply
// cannot create the site's directory while a plain file stands where the
// stack's directory goes; the request waits in NEEDS_INTERVENTION; the
// operator (carol) sees the stuck resource and its error, the obstacle is
// removed, she chooses Retry, and the request ends PROVISIONED.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { platform, skipUnlessServed } from "../lib/platform.mjs";
import { launch, review } from "../lib/browser.mjs";
import {
  signIn,
  requestThroughForm,
  uniqueName,
  waitForStatus,
} from "../lib/flows.mjs";

const { url, user, env } = platform();
let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("an operator resolves a stuck resource with retry", async (t) => {
  if (
    !(await skipUnlessServed(t, url, [
      "GET /api/notifications",
      "GET /api/stacks",
      "GET /api/stacks/{name}",
      "GET /api/audit",
      "POST /api/applications/{id}/intervene",
    ]))
  )
    return;
  const localRoot = env.PROVISIO_LOCAL_ROOT;
  assert.ok(localRoot, "run.env names PROVISIO_LOCAL_ROOT");
  const application = uniqueName("stuck");
  // The stack's directory is <local root>/<application>: a file there makes
  // every apply fail until it is gone.
  const obstacle = path.join(localRoot, application);
  await mkdir(localRoot, { recursive: true });
  await writeFile(obstacle, "in the way\n");

  const alice = await browser.person();
  await signIn(alice.page, url, user("alice"));
  await alice.page.getByRole("link", { name: "New request" }).first().click();
  await alice.page.getByLabel("Template").selectOption("local-site");
  await alice.page.getByLabel("Then").selectOption("intervene");
  await alice.page.getByLabel("Attempts before that").selectOption("1");
  const id = await requestThroughForm(alice.page, {
    template: "local-site",
    application,
    parameters: { "Site name": application },
    authorizer: user("bob").id,
    keepOptions: true,
  });
  await waitForStatus(alice.page, "AWAITING_AUTHORIZATION");

  const bob = await browser.person();
  await signIn(bob.page, url, user("bob"), `/requests/${id}/authorize`);
  await bob.page.getByRole("button", { name: "Approve" }).click();
  await bob.page
    .locator('[data-testid="decision-result"][data-outcome="approved"]')
    .waitFor();

  await waitForStatus(alice.page, "NEEDS_INTERVENTION");
  await alice.page
    .getByTestId("intervention")
    .getByText("An operator has been told")
    .waitFor();
  assert.equal(
    await alice.page.getByRole("button", { name: "Retry" }).count(),
    0,
  );

  const carol = await browser.person();
  await signIn(carol.page, url, user("carol"), `/requests/${id}`);
  const panel = carol.page.getByTestId("intervention");
  await panel.waitFor();
  assert.match(await panel.textContent(), /local_file\./);
  const choices = await panel.getByRole("button").allTextContents();
  assert.deepEqual(choices, ["Retry", "Exclude", "Rollback", "Abort"]);
  await review(carol.page, "request-needs-intervention");

  // The operator's pages around it: the inbox told her; the stack is held by
  // the request; the audit trail has the approval and the failed apply.
  await carol.page.getByRole("link", { name: "Inbox" }).click();
  await carol.page
    .getByTestId("notifications")
    .locator(`a[href="/requests/${id}"]`)
    .first()
    .waitFor();
  await review(carol.page, "inbox-operator");
  await carol.page.getByRole("link", { name: "Stacks" }).click();
  await carol.page
    .getByTestId("stack-list")
    .getByRole("link", { name: application, exact: true })
    .click();
  await carol.page
    .getByTestId("lock-holder")
    .getByRole("link", { name: id })
    .waitFor();
  await review(carol.page, "stack");
  await carol.page.goto(`${url}/audit?workflowId=${id}`);
  const audit = carol.page.getByTestId("audit-list");
  await audit.waitFor();
  const actions = await audit
    .locator("tbody tr td:nth-child(3)")
    .allTextContents();
  assert.ok(
    actions.includes("approve"),
    `the audit trail has the approval: ${actions.join()}`,
  );
  await review(carol.page, "audit");

  await carol.page.goto(`${url}/requests/${id}`);
  await panel.waitFor();
  await rm(obstacle, { force: true });
  await panel.getByRole("button", { name: "Retry" }).click();
  await waitForStatus(carol.page, "PROVISIONED");
  await waitForStatus(alice.page, "PROVISIONED");
});
