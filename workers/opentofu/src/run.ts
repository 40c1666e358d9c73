/**
 * Run: one activity attempt's run of tofu commands: its id and log (every
 * line to iac_run_logs), its heartbeats (typed details at least every
 * heartbeatIntervalMs, so a cancel reaches it), and the tofu invocation that
 * turns a failed command into a typed failure and a cancel into SIGINT.
 */
import { randomUUID } from "node:crypto";
import { Context } from "@temporalio/activity";
import type { Pool } from "pg";
import type { KeyRing } from "@provisio/codec-ts";
import type { RunnerConfig } from "./config";
import { ApplyProgress, parseEventLine, TofuEvent } from "./events";
import {
  Diagnostic,
  diagnosticsFromText,
  failureFor,
  fromJsonDiagnostic,
} from "./failures";
import { PlanStore, RunLog } from "./plan-store";
import { runTofu, TofuResult } from "./tofu-process";
import type { WorkingDir } from "./working-dir";

/** RunnerHeartbeat: every heartbeat's details: the phase and the progress. */
export interface RunnerHeartbeat extends ApplyProgress {
  phase: string;
}

/** The runner's dependencies. */
export interface RunnerDeps {
  config: RunnerConfig;
  store: PlanStore;
  ring: KeyRing;
  /** The platform database, when configured: apply_progress rows go there. */
  platform?: Pool;
}

/** Run: see the top of this file. Create one per activity attempt, close it after. */
export class Run {
  readonly log: RunLog;
  readonly runId: string;
  phase = "init";
  progress: ApplyProgress = {
    address: "",
    action: "",
    status: "started",
    elapsedSeconds: 0,
    done: 0,
    total: 0,
  };
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly deps: RunnerDeps,
    readonly stack: string,
    operation: string,
  ) {
    const info = Context.current().info;
    this.runId = `${operation}-${stack}-${randomUUID()}`;
    this.log = new RunLog(
      deps.store,
      this.runId,
      stack,
      operation,
      info.attempt,
    );
    this.log.append(
      "runner",
      `${operation} of stack ${stack}: workflow ${info.workflowExecution?.workflowId}, activity ${info.activityId}, attempt ${info.attempt}`,
    );
    this.heartbeat();
    this.timer = setInterval(
      () => this.heartbeat(),
      deps.config.heartbeatIntervalMs,
    );
  }

  heartbeat(): void {
    const details: RunnerHeartbeat = { phase: this.phase, ...this.progress };
    Context.current().heartbeat(details);
  }

  get cancelled(): boolean {
    return Context.current().cancellationSignal.aborted;
  }

  throwIfCancelled(): void {
    if (this.cancelled) {
      throw Context.current().cancellationSignal.reason;
    }
  }

  /**
   * tofu: runs one command in `wd`, logging every line, parsing -json events
   * (for `onEvent`) and diagnostics. A non-zero exit (other than those in
   * `okCodes`) throws the typed failure; a cancel throws the cancellation.
   */
  async tofu(
    wd: WorkingDir,
    phase: string,
    args: string[],
    options: {
      okCodes?: number[];
      onEvent?: (e: TofuEvent) => void;
      /**
       * False for commands whose stdout holds sensitive values in plaintext
       * (`show -json`, `output -json`): the log gets only its size.
       */
      logStdout?: boolean;
    } = {},
  ): Promise<TofuResult> {
    this.throwIfCancelled();
    this.phase = phase;
    this.heartbeat();
    const diagnostics: Diagnostic[] = [];
    this.log.append("runner", `$ tofu ${args.join(" ")}`);
    const result = await runTofu({
      tofu: this.deps.config.tofu,
      args,
      cwd: wd.dir,
      env: wd.env,
      signal: Context.current().cancellationSignal,
      graceMs: this.deps.config.cancelGraceMs,
      onLine: (stream, line) => {
        if (stream !== "stdout" || options.logStdout !== false) {
          this.log.append(stream, line);
        }
        if (stream !== "stdout") return;
        const event = parseEventLine(line);
        if (event === undefined) return;
        if (event.type === "diagnostic" && event.diagnostic) {
          diagnostics.push(fromJsonDiagnostic(event.diagnostic));
        }
        options.onEvent?.(event);
      },
    });
    if (options.logStdout === false) {
      this.log.append(
        "runner",
        `(stdout not logged: ${result.stdout.length} bytes that may hold sensitive values)`,
      );
    }
    if (result.interrupted) {
      await this.log.flush();
      this.throwIfCancelled();
    }
    const ok = options.okCodes ?? [0];
    if (result.code === null || !ok.includes(result.code)) {
      if (diagnostics.length === 0) {
        diagnostics.push(
          ...diagnosticsFromText(result.stderr + "\n" + result.stdout),
        );
      }
      throw failureFor(
        `tofu ${args[0]} for stack ${this.stack}`,
        diagnostics,
        result.code === null
          ? `tofu ended by ${result.exitSignal}`
          : result.stderr,
      );
    }
    return result;
  }

  /** init: `tofu init` from the mirror, then the stack's workspace. */
  async init(wd: WorkingDir): Promise<void> {
    await this.tofu(wd, "init", ["init", "-input=false", "-no-color"]);
    await this.tofu(wd, "init", [
      "workspace",
      "select",
      "-or-create=true",
      "-no-color",
      this.stack,
    ]);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.log.close();
  }
}
