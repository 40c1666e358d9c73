// The reference demo in two browser contexts: the requester submits through
// the form; the authorizer finds it in the inbox, changes the region, sees
// the re-plan and approves; the requester's page, never reloaded, reaches
// PROVISIONED by itself (long-polling), and the bucket and its index.html
// exist in moto.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { platform, skipUnlessServed } from "../lib/platform.mjs";
import { launch, review, assertOnlyOwnOrigin } from "../lib/browser.mjs";
import { readS3Object } from "../lib/moto.mjs";
import {
  signIn,
  requestThroughForm,
  uniqueName,
  waitForStatus,
} from "../lib/flows.mjs";

const { url, user, s3Endpoint, env } = platform();
let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("request, re-plan in another region, approve, and watch it provisioned", async (t) => {
  if (
    !(await skipUnlessServed(t, url, [
      "GET /api/applications",
      "POST /api/applications/{id}/preview",
      "GET /api/notifications",
    ]))
  )
    return;
  // static-site on moto when the platform runs moto (scripts/run does); the
  // local-site template otherwise.
  const useS3 = Boolean(s3Endpoint);
  const application = uniqueName(useS3 ? "site" : "docs");
  const bucket = application;

  const alice = await browser.person();
  await alice.page.goto(url + "/");
  await alice.page.waitForURL(/\/signin\?next=/);
  await review(alice.page, "sign-in");
  await signIn(alice.page, url, user("alice"));
  await review(alice.page, "my-requests");

  // The form checks as the user types, with the API's rules.
  await alice.page.getByRole("link", { name: "New request" }).first().click();
  await alice.page
    .getByLabel("Template")
    .selectOption(useS3 ? "static-site" : "local-site");
  await alice.page.getByLabel("Application name").fill("Not_A_Name");
  await alice.page
    .getByText("Application name must be 3 to 63 lowercase letters")
    .waitFor();
  const nameLabel = useS3 ? "Bucket name" : "Site name";
  await alice.page.getByLabel(nameLabel).fill("UPPER");
  await alice.page
    .getByTestId("field-error")
    .filter({ hasText: nameLabel + " does not fit" })
    .waitFor();
  // The authorizer is named in the form, by name and id, from the users
  // holding one of the template's roles: of the demo users only bob holds
  // one (platform-admin, cloud-approver); alice, carol and dave are not offered.
  const bobId = user("bob").id;
  const authorizerSelect = alice.page.getByLabel("Authorizer", {
    exact: true,
  });
  const bobOption = authorizerSelect.locator(`option[value="${bobId}"]`);
  await bobOption.waitFor({ state: "attached" });
  assert.equal(
    (await bobOption.textContent()).trim(),
    `Bob Authorizer (${bobId})`,
  );
  const offered = await authorizerSelect
    .locator("option")
    .evaluateAll((options) =>
      options.map((option) => option.value).filter(Boolean),
    );
  assert.deepEqual(offered, [bobId]);
  await review(alice.page, "new-request");

  const id = await requestThroughForm(alice.page, {
    template: useS3 ? "static-site" : "local-site",
    application,
    parameters: { [nameLabel]: bucket, Heading: "Hello from the browser test" },
    authorizer: bobId,
  });
  await waitForStatus(alice.page, "AWAITING_AUTHORIZATION");
  // The page names the authorizer and counts down to the state's deadline.
  const named = alice.page.getByTestId("named-authorizers");
  await named.waitFor();
  assert.match(await named.textContent(), new RegExp(`\\b${bobId}\\b`));
  await alice.page
    .getByTestId("authorization-deadline")
    .getByText(/left$/)
    .waitFor();
  await review(alice.page, "request-awaiting");
  const temporalLink = alice.page.getByRole("link", {
    name: /Workflow in Temporal Web UI/,
  });
  // The link goes to the Web UI scripts/run started, as the session says.
  assert.equal(
    await temporalLink.getAttribute("href"),
    `${env.TEMPORAL_UI_URL}/namespaces/default/workflows/${id}`,
  );

  // The authorizer, in a context of their own.
  const bob = await browser.person();
  await signIn(bob.page, url, user("bob"));
  await bob.page.getByRole("link", { name: "Inbox" }).click();
  await bob.page
    .getByTestId("to-authorize")
    .getByText(/left$/)
    .first()
    .waitFor();
  await review(bob.page, "inbox");
  await bob.page
    .getByTestId("to-authorize")
    .getByRole("link", { name: id })
    .click();
  await bob.page.waitForURL(new RegExp(`/requests/${id}/authorize`));
  await bob.page.getByTestId("plan").waitFor();
  await bob.page
    .getByTestId("authorization-deadline")
    .getByText(/left$/)
    .waitFor();
  const firstHash = await bob.page.getByTestId("plan-hash").textContent();

  await bob.page.getByLabel("Region").selectOption("eu-west-1");
  await bob.page.getByRole("button", { name: "Plan for this choice" }).click();
  await bob.page.waitForURL(/region=eu-west-1/);
  const secondHash = await bob.page.getByTestId("plan-hash").textContent();
  assert.notEqual(secondHash, firstHash, "a new region gives a new plan");
  await review(bob.page, "authorize-replanned");
  await bob.page.getByLabel("Reason").fill("Fine for the demo");
  await bob.page.getByRole("button", { name: "Approve" }).click();
  await bob.page
    .getByTestId("decision-result")
    .and(bob.page.locator('[data-outcome="approved"]'))
    .waitFor();
  await review(bob.page, "decision-approved");

  // The requester's page was never reloaded: long-polls brought every change.
  await waitForStatus(alice.page, "PROVISIONED");
  const rows = alice.page.getByTestId("progress-row");
  assert.ok((await rows.count()) >= 1, "the apply's progress is shown");
  for (const status of await rows.evaluateAll((elements) =>
    elements.map((element) => element.dataset.status),
  )) {
    assert.equal(status, "complete");
  }
  // The timeline shows every status the request went through, from the
  // recorded history: the first one too, though the page opened after it.
  const timeline = await alice.page
    .getByRole("list", { name: "Status changes" })
    .getByRole("listitem")
    .allTextContents();
  assert.match(timeline[0], /Validating/);
  assert.ok(
    timeline.some((entry) => /Awaiting authorization/.test(entry)),
    timeline.join(" | "),
  );
  assert.match(timeline.at(-1), /Provisioned/);
  await alice.page.getByText("Fine for the demo").waitFor();
  const outputs = await alice.page.getByTestId("outputs").textContent();
  if (useS3) {
    assert.match(outputs, new RegExp(bucket));
    // index_url is a link, and it serves the page (read here, not clicked:
    // the page itself talks to its own origin only).
    const href = await alice.page
      .getByTestId("outputs")
      .getByRole("link", { name: /index\.html/ })
      .getAttribute("href");
    assert.match(href, new RegExp(`/${bucket}/index\\.html$`));
    const served = await fetch(href);
    assert.equal(served.status, 200);
    assert.match(await served.text(), /Hello from the browser test/);
  }
  await review(alice.page, "request-provisioned");

  // Every read of the request after the first waited for a change.
  const reads = alice.requests.filter((address) =>
    address.includes(`/api/applications/${id}`),
  );
  assert.ok(reads.length >= 2);
  for (const address of reads.slice(1))
    assert.match(address, /waitAfterVersion=\d+/);
  assertOnlyOwnOrigin(alice.requests, url);
  assertOnlyOwnOrigin(bob.requests, url);

  if (useS3) {
    const index = await readS3Object(s3Endpoint, bucket, "index.html");
    assert.match(
      index,
      /Hello from the browser test/,
      "index.html is in the bucket, with the heading",
    );
  }
});
