// Signing in and out, what each role is offered, errors in words, and the
// pages not covered elsewhere, each checked by axe and photographed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { platform } from "../lib/platform.mjs";
import { launch, review } from "../lib/browser.mjs";
import { signIn } from "../lib/flows.mjs";

const { url, user } = platform();
let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test("a wrong password is refused in words; a deep link survives signing in", async () => {
  const { page } = await browser.person();
  await page.goto(`${url}/requests/new`);
  await page.waitForURL(/\/signin\?next=%2Frequests%2Fnew/);
  await review(page, "sign-in");
  await page.getByLabel("User").fill("alice");
  await page.getByLabel("Password").fill("not the password at all");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page
    .getByRole("alert")
    .getByText("the user or the password is wrong")
    .waitFor();
  await review(page, "sign-in-refused");

  await page.getByLabel("Password").fill(user("alice").password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/requests\/new$/);
  await page
    .getByTestId("signed-in-user")
    .getByText("Alice Requester")
    .waitFor();
});

test("a requester is not offered operator pages; signing out ends the session", async () => {
  const { page } = await browser.person();
  await signIn(page, url, user("alice"));
  const nav = page.getByRole("navigation", { name: "Main" });
  assert.deepEqual(await nav.getByRole("link").allTextContents(), [
    "My requests",
    "New request",
  ]);

  await page.goto(`${url}/no/such/page`);
  await page.getByRole("heading", { name: "Page not found" }).waitFor();
  await review(page, "not-found");

  await page.goto(`${url}/requests/nobody-0000000000`);
  await page.getByText("No such request, or not one you may see").waitFor();
  await review(page, "request-not-found");

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/signin/);
  await page.goto(`${url}/`);
  await page.waitForURL(/\/signin\?next=/);
});

test("an operator is offered stacks and the audit trail", async () => {
  const { page } = await browser.person();
  await signIn(page, url, user("carol"));
  const nav = page.getByRole("navigation", { name: "Main" });
  const links = await nav.getByRole("link").allTextContents();
  for (const expected of ["Inbox", "Stacks", "Audit"])
    assert.ok(links.includes(expected), links.join());
  assert.equal(
    await page.getByTestId("signed-in-roles").textContent(),
    "(operator)",
  );
});

test("signing in and reaching the form works from the keyboard, with a visible focus", async () => {
  const { page } = await browser.person();
  await page.goto(`${url}/signin`);
  await page.getByLabel("User").waitFor();
  await page.keyboard.press("Tab"); // the skip link
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "user");
  const outline = await page.evaluate(
    () => getComputedStyle(document.activeElement).outlineStyle,
  );
  assert.notEqual(outline, "none", "the focused field shows a focus ring");
  await page.keyboard.type(user("alice").id);
  await page.keyboard.press("Tab");
  await page.keyboard.type(user("alice").password);
  await page.keyboard.press("Enter");
  await page.getByTestId("signed-in-user").waitFor();

  // Through the navigation to the form, by keyboard only.
  await page.getByRole("link", { name: "My requests" }).focus();
  await page.keyboard.press("Tab");
  assert.equal(
    await page.evaluate(() => document.activeElement?.textContent),
    "New request",
  );
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/requests\/new$/);
  await page.getByRole("group").first().waitFor(); // the template's parameters
  await review(page, "new-request");
});
