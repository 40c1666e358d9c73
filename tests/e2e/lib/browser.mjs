// Debian's Chromium driven by playwright-core: launched headless with the
// flags the machine's notes ask for and a fresh profile directory, so that
// nothing is downloaded and no state leaks between runs. Each person of a
// test gets a browser context of their own (their own cookies).
import { chromium } from "playwright-core";
import { mkdtemp, mkdir, rm, readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import assert from "node:assert/strict";

export const chromiumPath =
  process.env.PROVISIO_CHROMIUM ?? "/usr/bin/chromium";
export const artifactsDir = path.resolve(
  process.env.PROVISIO_E2E_ARTIFACTS ??
    new URL("../artifacts", import.meta.url).pathname,
);
export const desktop = { width: 1280, height: 800 };
export const phone = { width: 375, height: 740 };

const axeSource = await readFile(
  createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
  "utf8",
);

/**
 * launch starts Chromium itself, with the flags above and a fresh
 * --user-data-dir (playwright's own launch refuses that flag), and connects
 * over the DevTools protocol. person() makes an isolated context (cookies
 * of its own) per person; close() ends Chromium and removes the profile.
 */
export async function launch() {
  assert.ok(
    existsSync(chromiumPath),
    `no Chromium at ${chromiumPath}: apt-get install chromium (scripts/setup does)`,
  );
  const profile = await mkdtemp(path.join(tmpdir(), "provisio-chromium-"));
  const child = spawn(
    chromiumPath,
    [
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
      `--user-data-dir=${profile}`,
      "--remote-debugging-address=127.0.0.1",
      "--remote-debugging-port=0",
      "about:blank",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  const endpoint = await new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(
      () => reject(new Error(`Chromium did not start: ${seen.slice(-2000)}`)),
      30_000,
    );
    child.stderr.on("data", (chunk) => {
      seen += chunk;
      const found = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    child.on("exit", (code) =>
      reject(new Error(`Chromium exited (${code}): ${seen.slice(-2000)}`)),
    );
  });
  child.stderr.resume();
  const browser = await chromium.connectOverCDP(endpoint);
  return {
    async person() {
      const context = await browser.newContext({ viewport: desktop });
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      const requests = [];
      // The UI may fetch nothing from anywhere else (no CDN, no fonts).
      page.on("request", (request) => requests.push(request.url()));
      return { context, page, requests };
    },
    async close() {
      await browser.close().catch(() => {});
      child.kill("SIGTERM");
      await new Promise((resolve) =>
        child.exitCode !== null ? resolve() : child.once("exit", resolve),
      );
      // Chromium's helper processes can still write to the profile for a
      // moment after the browser exits (ENOTEMPTY seen in CI): retry.
      await rm(profile, {
        recursive: true,
        force: true,
        maxRetries: 10,
        retryDelay: 100,
      });
    },
  };
}

/**
 * checkAccessibility injects axe-core into the page and fails on any
 * violation of impact serious or critical, listing them.
 */
export async function checkAccessibility(page, pageName) {
  // Evaluated over the DevTools protocol, which the page's strict CSP
  // (script-src 'self') does not apply to; a <script> tag would be refused.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const outcome = await axe.run(document, { resultTypes: ["violations"] });
    return outcome.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(" ")).slice(0, 5),
    }));
  });
  const grave = result.filter(
    (violation) =>
      violation.impact === "serious" || violation.impact === "critical",
  );
  assert.deepEqual(
    grave,
    [],
    `axe found serious or critical violations on ${pageName}: ${JSON.stringify(grave, null, 2)}`,
  );
}

/** screenshots saves the page at desktop and phone width as artifacts/<name>-{desktop,phone}.png. */
export async function screenshots(page, name) {
  await mkdir(artifactsDir, { recursive: true });
  const before = page.viewportSize();
  for (const [label, size] of [
    ["desktop", desktop],
    ["phone", phone],
  ]) {
    await page.setViewportSize(size);
    await page.screenshot({
      path: path.join(artifactsDir, `${name}-${label}.png`),
      fullPage: true,
    });
    if (label === "phone") {
      // Nothing may be wider than a phone's screen: no sideways scrolling.
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      assert.ok(
        overflow <= 1,
        `${name} is ${overflow} px wider than a 375 px screen`,
      );
    }
  }
  await page.setViewportSize(before ?? desktop);
}

/** visit checks a page the way every test does: axe, then the two screenshots. */
export async function review(page, name) {
  await checkAccessibility(page, name);
  await screenshots(page, name);
}

/** onlyOwnOrigin asserts that every request a page made went to the platform's origin. */
export function assertOnlyOwnOrigin(requests, baseUrl) {
  const origin = new URL(baseUrl).origin;
  const foreign = requests.filter(
    (url) => !url.startsWith(origin) && !url.startsWith("data:"),
  );
  assert.deepEqual(foreign, [], "the UI fetched something from another origin");
}
