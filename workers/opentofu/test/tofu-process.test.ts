// runTofu's cancel path on a process that ignores SIGINT: only the escalation
// to SIGKILL after the grace period is checked here (the SIGINT that real
// tofu obeys is checked through the server in interruption.test.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { runTofu } from "../src/tofu-process";

test("a process that ignores SIGINT gets SIGKILL after the grace period", async () => {
  const abort = new AbortController();
  const notes: string[] = [];
  const started = Date.now();
  const running = runTofu({
    tofu: "/bin/sh",
    args: ["-c", 'trap "" INT; echo ready; sleep 30 & wait'],
    cwd: "/",
    env: process.env,
    signal: abort.signal,
    graceMs: 300,
    onLine: (stream, line) => {
      if (stream === "runner") notes.push(line);
      if (line === "ready") abort.abort();
    },
  });
  const result = await running;
  assert.equal(result.interrupted, true);
  assert.equal(result.killed, true);
  assert.equal(result.exitSignal, "SIGKILL");
  assert.ok(Date.now() - started < 10_000);
  assert.match(notes[0], /^cancel: SIGINT to tofu/);
  assert.match(notes[1], /still running, SIGKILL/);
});

test("a process that exits on SIGINT is not killed", async () => {
  const abort = new AbortController();
  const result = await runTofu({
    tofu: "/bin/sh",
    args: [
      "-c",
      'trap "echo interrupted; exit 130" INT; echo ready; while :; do sleep 0.05; done',
    ],
    cwd: "/",
    env: process.env,
    signal: abort.signal,
    graceMs: 5_000,
    onLine: (_stream, line) => {
      if (line === "ready") abort.abort();
    },
  });
  assert.equal(result.interrupted, true);
  assert.equal(result.killed, false);
  assert.equal(result.code, 130);
  assert.match(result.stdout, /interrupted/);
});
