/**
 * runTofu: one tofu command as a subprocess, its output streamed line by
 * line, stopped gracefully when its AbortSignal fires.
 *
 * Cancellation: SIGINT first, which makes OpenTofu let in-flight operations
 * finish, save state and release the lock; SIGKILL only if it has not exited
 * after `graceMs`. tofu stays in the worker's process group, so a worker that
 * dies takes its tofu (and tofu's providers) with it, as a crashed host would.
 */
import { spawn } from "node:child_process";

/** OutputStream: where a line came from; "runner" marks the runner's own notes. */
export type OutputStream = "stdout" | "stderr" | "runner";

export interface TofuCommand {
  /** The tofu binary. */
  tofu: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** When it fires, tofu gets SIGINT, then SIGKILL after graceMs. */
  signal?: AbortSignal;
  graceMs: number;
  /** Called for every complete line of output, in order per stream. */
  onLine?: (stream: OutputStream, line: string) => void;
}

export interface TofuResult {
  /** The exit code, or null when a signal ended tofu. */
  code: number | null;
  /** The signal that ended tofu, if one did. */
  exitSignal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Whether the runner sent SIGINT (a cancel), and whether it had to SIGKILL. */
  interrupted: boolean;
  killed: boolean;
}

export function runTofu(command: TofuCommand): Promise<TofuResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command.tofu, command.args, {
      cwd: command.cwd,
      env: command.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const note = (line: string) => command.onLine?.("runner", line);
    const chunks = { stdout: [] as string[], stderr: [] as string[] };
    const partial = { stdout: "", stderr: "" };
    let interrupted = false;
    let killed = false;
    let killTimer: NodeJS.Timeout | undefined;

    for (const stream of ["stdout", "stderr"] as const) {
      child[stream].setEncoding("utf8");
      child[stream].on("data", (text: string) => {
        chunks[stream].push(text);
        const lines = (partial[stream] + text).split("\n");
        partial[stream] = lines.pop()!;
        for (const line of lines) command.onLine?.(stream, line);
      });
    }

    const onAbort = () => {
      if (interrupted || child.exitCode !== null) return;
      interrupted = true;
      note(
        `cancel: SIGINT to tofu (pid ${child.pid}); SIGKILL in ${command.graceMs} ms if it has not exited`,
      );
      child.kill("SIGINT");
      killTimer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) {
          killed = true;
          note(`cancel: tofu (pid ${child.pid}) still running, SIGKILL`);
          child.kill("SIGKILL");
        }
      }, command.graceMs);
    };
    if (command.signal?.aborted) {
      onAbort();
    } else {
      command.signal?.addEventListener("abort", onAbort, { once: true });
    }

    child.on("error", (err) => {
      command.signal?.removeEventListener("abort", onAbort);
      clearTimeout(killTimer);
      reject(new Error(`cannot run ${command.tofu}: ${err.message}`));
    });
    // "close" waits for the output pipes, which a grandchild (a provider, a
    // local-exec command) may still hold after tofu itself is gone: once tofu
    // has exited, give them a moment, then stop reading.
    child.on("exit", () => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, 2000).unref();
    });
    child.on("close", (code, exitSignal) => {
      command.signal?.removeEventListener("abort", onAbort);
      clearTimeout(killTimer);
      for (const stream of ["stdout", "stderr"] as const) {
        if (partial[stream] !== "") command.onLine?.(stream, partial[stream]);
      }
      if (interrupted) {
        note(`cancel: tofu exited (code ${code}, signal ${exitSignal})`);
      }
      resolve({
        code,
        exitSignal,
        stdout: chunks.stdout.join(""),
        stderr: chunks.stderr.join(""),
        interrupted,
        killed,
      });
    });
  });
}
