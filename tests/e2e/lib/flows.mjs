// Steps the specs share, done as a person would: through labels and buttons.
import assert from "node:assert/strict";

export async function signIn(page, baseUrl, user, path = "/") {
  await page.goto(baseUrl + path);
  await page.waitForURL(/\/signin/);
  await page.getByLabel("User").fill(user.id);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("signed-in-user").waitFor();
}

/** statusOf reads the request page's status badge (its data-status). */
export async function waitForStatus(page, status, timeout = 120_000) {
  await page
    .locator(`[data-testid="request-status"] [data-status="${status}"]`)
    .waitFor({ timeout });
}

/**
 * requestThroughForm fills the request form and submits it; answers the new
 * request's id (from the page it lands on). `authorizer` is the user id the
 * requester names in the form's Authorizer select (the templates the specs
 * use need one decision).
 */
export async function requestThroughForm(
  page,
  { template, application, parameters, authorizer, waitSeconds },
) {
  assert.ok(authorizer, "requestThroughForm needs the authorizer to name");
  await page.getByRole("link", { name: "New request" }).first().click();
  await page.getByLabel("Template").selectOption(template);
  await page.getByRole("group").first().waitFor();
  await page.getByLabel("Application name").fill(application);
  for (const [label, value] of Object.entries(parameters)) {
    const field = page.getByLabel(label, { exact: false });
    if ((await field.evaluate((element) => element.tagName)) === "SELECT")
      await field.selectOption(value);
    else await field.fill(value);
  }
  // The select appears once the template's authorizers are loaded;
  // selectOption waits for it and for the option.
  await page.getByLabel("Authorizer", { exact: true }).selectOption(authorizer);
  if (waitSeconds)
    await page.getByLabel(/Wait for a decision/).fill(String(waitSeconds));
  await page.getByRole("button", { name: "Request" }).click();
  await page.waitForURL(
    (address) =>
      /^\/requests\/[^/]+$/.test(address.pathname) &&
      address.pathname !== "/requests/new",
  );
  const id = decodeURIComponent(new URL(page.url()).pathname.split("/").pop());
  assert.match(id, new RegExp(`^${application}-`));
  return id;
}

/** uniqueName makes an application name no earlier run used. */
export function uniqueName(prefix) {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}
