// npm test: starts the platform as `scripts/run --state-dir <tmp>` starts it,
// waits for its run.env, runs the specs (node's test runner, one file at a
// time: they share the platform), then stops it with SIGTERM.
//
// PROVISIO_RUN_ENV=/path/run.env uses a platform that is already running
// instead (a developer's own scripts/run); it is left running.
import { spawn } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  openSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, "../..");
const startTimeoutMs = Number(
  process.env.PROVISIO_E2E_START_TIMEOUT_MS ?? 15 * 60 * 1000,
);

async function startPlatform() {
  const stateDir = mkdtempSync(path.join(tmpdir(), "provisio-e2e-"));
  // PostgreSQL runs as its own user when we are root: it must reach the folder.
  chmodSync(stateDir, 0o755);
  const runEnv = path.join(stateDir, "run.env");
  const logFile = path.join(stateDir, "scripts-run.log");
  const log = openSync(logFile, "a");
  // Its own process group, so that SIGTERM reaches scripts/run only (it
  // stops what it started).
  const child = spawn(
    path.join(root, "scripts/run"),
    [
      "--state-dir",
      stateDir,
      "--api-port",
      "0",
      "--temporal-port",
      "0",
      "--temporal-ui-port",
      "0",
    ],
    {
      cwd: root,
      stdio: ["ignore", log, log],
      detached: true,
    },
  );
  let exited = null;
  child.on("exit", (code, signal) => (exited = { code, signal }));
  const deadline = Date.now() + startTimeoutMs;
  while (!existsSync(runEnv)) {
    if (exited)
      throw new Error(
        `scripts/run exited (${JSON.stringify(exited)}) before writing run.env; see ${logFile}`,
      );
    if (Date.now() > deadline)
      throw new Error(`scripts/run wrote no run.env in time; see ${logFile}`);
    await sleep(500);
  }
  console.log(
    `# platform ready (scripts/run pid ${child.pid}, state ${stateDir})`,
  );
  return {
    runEnv,
    async stop() {
      if (!exited) {
        child.kill("SIGTERM");
        for (let i = 0; i < 120 && !exited; i++) await sleep(500);
        if (!exited) child.kill("SIGKILL");
      }
      if (process.exitCode) console.log(`# scripts/run's log: ${logFile}`);
      else rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

const given = process.env.PROVISIO_RUN_ENV;
const started = given ? null : await startPlatform();
const specs = (
  process.env.PROVISIO_E2E_SPECS?.split(",") ??
  readdirSync(path.join(here, "specs"))
)
  .filter((name) => name.endsWith(".test.mjs"))
  .sort()
  .map((name) => path.join(here, "specs", name));
const status = await new Promise((resolve) => {
  const run = spawn(
    process.execPath,
    ["--test", "--test-concurrency=1", "--test-timeout=600000", ...specs],
    {
      stdio: "inherit",
      env: { ...process.env, PROVISIO_RUN_ENV: given ?? started.runEnv },
    },
  );
  for (const signal of ["SIGINT", "SIGTERM"])
    process.on(signal, () => run.kill(signal));
  run.on("exit", (code) => resolve(code ?? 1));
});
process.exitCode = status;
await started?.stop();
