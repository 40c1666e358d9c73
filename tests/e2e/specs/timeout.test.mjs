// A request nobody decides in time: the requester's page shows it timed out,
// and an authorizer arriving late gets the timed-out result page.
import { test, before, after } from "node:test";
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

test("no decision before the deadline ends the request AUTHORIZATION_TIMED_OUT", async () => {
  const alice = await browser.person();
  await signIn(alice.page, url, user("alice"));
  const application = uniqueName("late");
  const id = await requestThroughForm(alice.page, {
    template: "local-site",
    application,
    parameters: { "Site name": application },
    authorizer: user("bob").id,
    waitSeconds: 8,
  });
  await waitForStatus(alice.page, "AUTHORIZATION_TIMED_OUT");
  await review(alice.page, "request-timed-out");

  const bob = await browser.person();
  await signIn(bob.page, url, user("bob"), `/requests/${id}/authorize`);
  await bob.page
    .locator('[data-testid="decision-result"][data-outcome="timed-out"]')
    .waitFor();
  await review(bob.page, "decision-timed-out");
});
