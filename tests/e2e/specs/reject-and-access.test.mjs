// A rejection, seen by both sides; and a requester who may not decide is
// shown why, with no Approve or Reject to press.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { platform } from "../lib/platform.mjs";
import { launch, review } from "../lib/browser.mjs";
import {
  signIn,
  requestThroughForm,
  uniqueName,
  waitForStatus,
} from "../lib/flows.mjs";

const { url, user } = platform();
let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("the requester cannot decide; the authorizer rejects with a reason; both see it", async () => {
  const alice = await browser.person();
  await signIn(alice.page, url, user("alice"));
  await review(alice.page, "my-requests");
  const application = uniqueName("rejected");
  const id = await requestThroughForm(alice.page, {
    template: "local-site",
    application,
    parameters: { "Site name": application },
    authorizer: user("bob").id,
  });
  await waitForStatus(alice.page, "AWAITING_AUTHORIZATION");
  await review(alice.page, "request-awaiting");
  assert.equal(
    await alice.page.getByRole("link", { name: "Review and decide" }).count(),
    0,
  );

  // alice holds no authorizer role: the authorize page says so and offers nothing.
  await alice.page.goto(`${url}/requests/${id}/authorize`);
  await alice.page.getByTestId("not-an-authorizer").waitFor();
  assert.equal(
    await alice.page.getByRole("button", { name: "Approve" }).count(),
    0,
  );
  assert.equal(
    await alice.page.getByRole("button", { name: "Reject" }).count(),
    0,
  );
  await review(alice.page, "authorize-refused");

  const bob = await browser.person();
  await signIn(bob.page, url, user("bob"), `/requests/${id}`);
  await bob.page.getByRole("link", { name: "Review and decide" }).click();
  await bob.page.getByTestId("plan").waitFor();
  await review(bob.page, "authorize");
  await bob.page.getByLabel("Reason").fill("Use the shared docs site instead");
  await bob.page.getByRole("button", { name: "Reject" }).click();
  await bob.page
    .locator('[data-testid="decision-result"][data-outcome="rejected"]')
    .waitFor();
  await review(bob.page, "decision-rejected");

  // alice's request page, left open on the authorize refusal, is followed again.
  await alice.page.goto(`${url}/requests/${id}`);
  await waitForStatus(alice.page, "REJECTED");
  await alice.page
    .getByTestId("request-error")
    .getByText("Use the shared docs site instead")
    .waitFor();
  await review(alice.page, "request-rejected");

  // Opening the authorize page now shows what became of it.
  await bob.page.goto(`${url}/requests/${id}/authorize`);
  await bob.page
    .locator('[data-testid="decision-result"][data-outcome="rejected"]')
    .waitFor();
});
