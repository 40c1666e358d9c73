/**
 * The runner's activities, served on task queue `iac-opentofu`. Each is a
 * plain async function of one object argument; createActivities binds them
 * to a configuration, a plan store and the codec's key ring.
 *
 *   plan      lay out, init, `plan -json -out` (with -exclude=ADDRESS for
 *             each excluded address), `show -json`; store the plan
 *             file encrypted under its SHA-256; return the summary.
 *   apply     fetch a plan by hash, check the hash, `apply -json PLANFILE`,
 *             heartbeating each resource's progress (and writing it to the
 *             platform's apply_progress table when configured). A stale
 *             plan is the non-retryable failure StalePlan; on the retry of
 *             an interrupted apply, a fresh plan of the same request is
 *             applied instead if all its changes were approved
 *             (plan-match.ts).
 *   drift     a refresh-only plan with -detailed-exitcode: what drifted.
 *   destroy   plan -destroy, stored, then applied through apply's path.
 *   outputs   `output -json`; sensitive values leave only sealed.
 *   resources `state list`: the resource instances in the stack's state.
 *   runLog    the lines of one run's log.
 *
 * Every activity heartbeats (ApplyProgress details, with its phase) at least
 * every heartbeatIntervalMs, so a cancel reaches it; a cancel interrupts tofu
 * (SIGINT, then SIGKILL after the grace period) and the activity ends
 * cancelled once tofu has exited.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { Context } from "@temporalio/activity";
import { ApplicationFailure } from "@temporalio/common";
import { sealText } from "@provisio/codec-ts";
import { ApplyProgressRows } from "./apply-progress-rows";
import { ApplyProgress, ApplyTracker } from "./events";
import { invalidConfiguration, planNotFound, stalePlan } from "./failures";
import {
  ChangeDifference,
  describeDifferences,
  plannedChanges,
  unapprovedChanges,
} from "./plan-match";
import {
  outputsChange,
  ResourceChange,
  ShownPlan,
  summarizeChanges,
  summarizeDrift,
} from "./plan-summary";
import { StoredPlan } from "./plan-store";
import { isResourceAddress } from "./resource-address";
import { Run, RunnerDeps, RunnerHeartbeat } from "./run";
import { layOut, StackInputs, WorkingDir } from "./working-dir";

export type {
  ApplyProgress,
  ChangeDifference,
  ResourceChange,
  RunnerDeps,
  RunnerHeartbeat,
  StackInputs,
};

/** PlanInput: what to plan. `destroy` plans the stack's destruction. */
export interface PlanInput extends StackInputs {
  destroy?: boolean;
  /**
   * Resource or module addresses the plan leaves out (`tofu plan
   * -exclude=ADDRESS` each; resources that depend on them are left out too):
   * `local_file.index`, `aws_s3_object.page["home"]`, `module.site`. Any
   * other string is refused (InvalidConfiguration naming it).
   */
  exclude?: string[];
}

/** PlanResult: a stored plan, named by its hash, and what it would do. */
export interface PlanResult {
  /** Hex SHA-256 of the plaintext plan file: what an approval names. */
  hash: string;
  stack: string;
  template: string;
  /** SHA-256 over the template's files: the version the stack was made from. */
  templateHash: string;
  /** Per resource: address, actions, changed attributes (sensitive masked). */
  summary: ResourceChange[];
  /** `tofu show` of the plan, as a person reads it. */
  planText: string;
  hasChanges: boolean;
  /** The run whose log runLog returns. */
  runId: string;
}

export interface ApplyInput {
  hash: string;
}

export interface ApplyResult {
  hash: string;
  stack: string;
  /** Resources whose change completed, by address, with the action. */
  applied: Array<{ address: string; action: string }>;
  progress: ApplyProgress;
  /**
   * Set when this attempt found the plan half-applied by an attempt that died
   * (the saved plan was then stale) and finished it from a fresh plan of the
   * same request: the hash of that plan.
   */
  resumedWithPlan?: string;
  /**
   * True with resumedWithPlan: every change of the fresh plan matched a
   * change of the approved one (plan-match.ts), so it was applied without a
   * new approval. A fresh plan that does not match ends StalePlan instead.
   */
  resumeMatched?: boolean;
  /** The last heartbeat of the previous attempt, when this is a retry. */
  previousAttemptProgress?: RunnerHeartbeat;
  /** True when an earlier attempt had already applied the plan completely. */
  alreadyApplied: boolean;
  runId: string;
}

export type DriftInput = StackInputs;

export interface DriftResult {
  drifted: boolean;
  /** Per drifted resource: address, actions, attributes that changed. */
  resources: ResourceChange[];
  runId: string;
}

export type DestroyInput = StackInputs;

export interface DestroyResult {
  plan: PlanResult;
  apply: ApplyResult;
}

export interface OutputsInput {
  stack: string;
  template: string;
}

/** OutputValue: a plain value, or a sensitive one only as sealed text. */
export type OutputValue =
  | { sensitive: false; value: unknown }
  | {
      sensitive: true;
      /** codec-ts sealText of the JSON of the value, under the codec key. */
      sealed: string;
    };

export interface OutputsResult {
  outputs: Record<string, OutputValue>;
  runId: string;
}

export interface ResourcesResult {
  addresses: string[];
  runId: string;
}

export interface RunLogInput {
  runId: string;
}

/** createActivities: the runner's activities over these dependencies. */
export function createActivities(deps: RunnerDeps) {
  const { config, store } = deps;

  // withRun: a Run and a working directory for `inputs`, both closed after.
  async function withRun<T>(
    operation: string,
    inputs: StackInputs,
    body: (run: Run, wd: WorkingDir) => Promise<T>,
  ): Promise<T> {
    const run = new Run(deps, inputs.stack, operation);
    let wd: WorkingDir | undefined;
    try {
      try {
        wd = await layOut(config, inputs);
      } catch (err) {
        throw invalidConfiguration((err as Error).message);
      }
      await run.init(wd);
      return await body(run, wd);
    } catch (err) {
      run.log.append("runner", `failed: ${(err as Error).message}`);
      throw err;
    } finally {
      await run.close();
      await wd?.remove();
    }
  }

  async function planIn(
    run: Run,
    wd: WorkingDir,
    input: PlanInput,
  ): Promise<PlanResult> {
    const planFile = path.join(wd.dir, "provisio.tfplan");
    const args = ["plan", "-json", "-input=false", `-out=${planFile}`];
    if (input.destroy) args.push("-destroy");
    for (const address of input.exclude ?? []) {
      args.push(`-exclude=${address}`);
    }
    await run.tofu(wd, "plan", args);
    // Both read the same saved plan: run them side by side.
    const [json, text] = await Promise.all([
      run.tofu(wd, "show", ["show", "-json", "-no-color", planFile], {
        logStdout: false,
      }),
      run.tofu(wd, "show", ["show", "-no-color", planFile]),
    ]);
    const shown = JSON.parse(json.stdout) as ShownPlan;
    const planText = text.stdout;
    const summary = summarizeChanges(shown);
    const bytes = await readFile(planFile);
    const stackInputs: PlanInput = {
      stack: input.stack,
      template: input.template,
      parameters: input.parameters ?? {},
      ...(input.region ? { region: input.region } : {}),
      ...(input.profile ? { profile: input.profile } : {}),
      ...(input.destroy ? { destroy: true } : {}),
      ...(input.exclude?.length ? { exclude: input.exclude } : {}),
    };
    const hash = await store.put({
      stack: input.stack,
      template: input.template,
      operation: input.destroy ? "destroy" : "plan",
      planFile: bytes,
      inputs: stackInputs,
      resourceChanges: summary.length,
      changes: plannedChanges(shown),
    });
    run.log.append(
      "runner",
      `stored plan ${hash} (${summary.length} resource changes)`,
    );
    return {
      hash,
      stack: input.stack,
      template: input.template,
      templateHash: wd.templateHash,
      summary,
      planText,
      hasChanges: summary.length > 0 || outputsChange(shown),
      runId: run.runId,
    };
  }

  // progressRows: where an apply's progress rows go, or undefined when no
  // platform database is configured (or the activity has no workflow).
  function progressRows(
    run: Run,
    planHash: string,
  ): ApplyProgressRows | undefined {
    const context = Context.current();
    const workflowId = context.info.workflowExecution?.workflowId;
    if (deps.platform === undefined || workflowId === undefined) {
      return undefined;
    }
    return new ApplyProgressRows(
      deps.platform,
      { workflowId, stack: run.stack, planHash },
      (line) => {
        run.log.append("runner", line);
        context.log.warn(line);
      },
    );
  }

  // applyIn: applies a stored plan in a working directory laid out for it.
  // With `approved`, `plan` is a fresh plan finishing that approved one (a
  // resume): progress counts the approved plan's changes, those the fresh
  // plan no longer has being done, and its rows are the approved plan's.
  async function applyIn(
    run: Run,
    wd: WorkingDir,
    plan: StoredPlan<PlanInput>,
    approved: StoredPlan<PlanInput> = plan,
  ): Promise<Pick<ApplyResult, "applied" | "progress">> {
    const planFile = path.join(wd.dir, "provisio.tfplan");
    await writeFile(planFile, plan.planFile);
    await store.markApplyStarted(plan.hash);
    const tracker = new ApplyTracker(
      approved.resourceChanges,
      approved.resourceChanges - plan.resourceChanges,
    );
    const applied: Array<{ address: string; action: string }> = [];
    run.progress = tracker.progress();
    const rows = progressRows(run, approved.hash);
    if (rows && approved !== plan) {
      const remaining = new Set((plan.changes ?? []).map((c) => c.address));
      for (const change of approved.changes ?? []) {
        if (remaining.has(change.address)) continue;
        rows.settle({
          ...run.progress,
          address: change.address,
          action: change.actions[change.actions.length - 1] ?? "",
          elapsedSeconds: 0,
        });
      }
    }
    try {
      await run.tofu(
        wd,
        "apply",
        ["apply", "-json", "-input=false", planFile],
        {
          onEvent: (event) => {
            const progress = tracker.observe(event);
            if (progress === undefined) return;
            run.progress = progress;
            rows?.record(progress);
            if (progress.status === "complete") {
              applied.push({
                address: progress.address,
                action: progress.action,
              });
            }
            run.heartbeat();
          },
        },
      );
    } finally {
      await rows?.close();
    }
    await store.markApplied(plan.hash);
    return { applied, progress: tracker.progress() };
  }

  // checkResume: the fresh plan may finish the approved `plan` only if every
  // change in it was approved (plan-match.ts); otherwise StalePlan, so that
  // the workflow plans again and asks for a new approval.
  function checkResume(
    plan: StoredPlan<PlanInput>,
    fresh: StoredPlan<PlanInput>,
  ): void {
    if (plan.changes === undefined) {
      throw stalePlan(
        `plan ${plan.hash} is stale after an interrupted attempt, and its approved changes were not recorded (stored by an older runner): plan and approve again`,
      );
    }
    const differences = unapprovedChanges(plan.changes, fresh.changes ?? []);
    if (differences.length > 0) {
      throw stalePlan(
        `plan ${plan.hash} is stale after an interrupted attempt, and the fresh plan ${fresh.hash} of its request differs from it: ${describeDifferences(differences)}`,
        [{ differences }],
      );
    }
  }

  async function fetchPlan(hash: string): Promise<StoredPlan<PlanInput>> {
    if (!/^[0-9a-f]{64}$/.test(hash)) {
      throw planNotFound(`"${hash}" is not a plan hash (64 hex digits)`);
    }
    let plan: StoredPlan<PlanInput> | undefined;
    try {
      plan = await store.get<PlanInput>(hash);
    } catch (err) {
      throw planNotFound(`plan ${hash}: ${(err as Error).message}`);
    }
    if (plan === undefined)
      throw planNotFound(`no stored plan has hash ${hash}`);
    return plan;
  }

  async function applyStored(
    operation: string,
    plan: StoredPlan<PlanInput>,
  ): Promise<ApplyResult> {
    const info = Context.current().info;
    const previous =
      info.attempt > 1
        ? (info.heartbeatDetails as RunnerHeartbeat | undefined)
        : undefined;
    const base = {
      hash: plan.hash,
      stack: plan.stack,
      ...(previous ? { previousAttemptProgress: previous } : {}),
    };
    if (plan.appliedAt !== null && info.attempt > 1) {
      // The previous attempt applied it all and died before reporting.
      const run = new Run(deps, plan.stack, operation);
      run.log.append(
        "runner",
        `plan ${plan.hash} was applied by an earlier attempt`,
      );
      await run.close();
      return {
        ...base,
        applied: [],
        progress: run.progress,
        alreadyApplied: true,
        runId: run.runId,
      };
    }
    return withRun(operation, plan.inputs, async (run, wd) => {
      try {
        const done = await applyIn(run, wd, plan);
        return { ...base, ...done, alreadyApplied: false, runId: run.runId };
      } catch (err) {
        const stale =
          err instanceof ApplicationFailure && err.type === "StalePlan";
        if (!stale || info.attempt === 1 || plan.applyStartedAt === null)
          throw err;
        // An earlier attempt of this very activity started applying this plan
        // and died; its partial apply made the plan stale. Finish the approved
        // request: plan it again from the same inputs, and apply that only if
        // it does nothing the approval did not cover (checkResume).
        run.log.append(
          "runner",
          `plan ${plan.hash} is stale after an interrupted attempt: planning the same request again`,
        );
        const again = await planIn(run, wd, plan.inputs);
        const fresh = await fetchPlan(again.hash);
        checkResume(plan, fresh);
        run.log.append(
          "runner",
          `the fresh plan ${fresh.hash} matches the approved plan (${fresh.resourceChanges} of its ${plan.resourceChanges} changes left): applying it`,
        );
        const done = await applyIn(run, wd, fresh, plan);
        return {
          ...base,
          ...done,
          resumedWithPlan: again.hash,
          resumeMatched: true,
          alreadyApplied: false,
          runId: run.runId,
        };
      }
    });
  }

  return {
    async plan(input: PlanInput): Promise<PlanResult> {
      const request = checkedRequest(input);
      return withRun(
        request.destroy ? "plan-destroy" : "plan",
        request,
        (run, wd) => planIn(run, wd, request),
      );
    },

    async apply(input: ApplyInput): Promise<ApplyResult> {
      return applyStored("apply", await fetchPlan(input.hash));
    },

    async drift(input: DriftInput): Promise<DriftResult> {
      return withRun("drift", input, async (run, wd) => {
        const planFile = path.join(wd.dir, "drift.tfplan");
        const result = await run.tofu(
          wd,
          "drift",
          [
            "plan",
            "-refresh-only",
            "-detailed-exitcode",
            "-json",
            "-input=false",
            `-out=${planFile}`,
          ],
          { okCodes: [0, 2] },
        );
        if (result.code === 0) {
          return { drifted: false, resources: [], runId: run.runId };
        }
        const shown = JSON.parse(
          (
            await run.tofu(
              wd,
              "show",
              ["show", "-json", "-no-color", planFile],
              {
                logStdout: false,
              },
            )
          ).stdout,
        ) as ShownPlan;
        const resources = summarizeDrift(shown);
        return { drifted: resources.length > 0, resources, runId: run.runId };
      });
    },

    async destroy(input: DestroyInput): Promise<DestroyResult> {
      const request = checkedRequest({ ...input, destroy: true });
      const plan = await withRun("plan-destroy", request, (run, wd) =>
        planIn(run, wd, request),
      );
      const apply = await applyStored("destroy", await fetchPlan(plan.hash));
      return { plan, apply };
    },

    async outputs(input: OutputsInput): Promise<OutputsResult> {
      return withRun("outputs", input, async (run, wd) => {
        const shown = JSON.parse(
          (
            await run.tofu(wd, "outputs", ["output", "-json", "-no-color"], {
              logStdout: false,
            })
          ).stdout,
        ) as Record<string, { value: unknown; sensitive: boolean }>;
        const outputs: Record<string, OutputValue> = {};
        for (const [name, output] of Object.entries(shown)) {
          outputs[name] = output.sensitive
            ? {
                sensitive: true,
                sealed: sealText(deps.ring, JSON.stringify(output.value)),
              }
            : { sensitive: false, value: output.value };
        }
        return { outputs, runId: run.runId };
      });
    },

    async resources(input: OutputsInput): Promise<ResourcesResult> {
      return withRun("resources", input, async (run, wd) => {
        const listed = await run.tofu(wd, "state", [
          "state",
          "list",
          "-no-color",
        ]);
        const addresses = listed.stdout
          .split("\n")
          .map((l) => l.trim())
          .filter(Boolean);
        return { addresses, runId: run.runId };
      });
    },

    async runLog(input: RunLogInput): Promise<{ lines: string[] }> {
      return { lines: await store.runLog(input.runId) };
    },
  };
}

// checkedRequest: the plan request with its exclude list checked (each a
// resource address, duplicates dropped), before any tofu runs.
function checkedRequest(input: PlanInput): PlanInput {
  const exclude: unknown = input.exclude;
  if (exclude === undefined || exclude === null) {
    return { ...input, exclude: undefined };
  }
  if (!Array.isArray(exclude)) {
    throw invalidConfiguration("exclude must be a list of resource addresses");
  }
  for (const address of exclude) {
    if (!isResourceAddress(address)) {
      const shown = JSON.stringify(address) ?? String(address);
      throw invalidConfiguration(
        `exclude: ${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown} is not a resource address (like local_file.index, aws_s3_object.page["home"] or module.site)`,
      );
    }
  }
  return { ...input, exclude: [...new Set(exclude as string[])] };
}

/** RunnerActivities: the activity functions, for proxyActivities<RunnerActivities>. */
export type RunnerActivities = ReturnType<typeof createActivities>;
