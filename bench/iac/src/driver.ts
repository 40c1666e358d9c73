/**
 * The IaC benchmark driver (bench/README.md, "IaC"): plan and apply time of
 * each workload, OpenTofu alone next to the OpenTofu runner worker.
 *
 *   tofu alone  the driver lays out a working directory exactly as the runner
 *               does (the runner's own layOut: template, tfvars, empty `pg`
 *               backend block, mirror-only CLI config, TF_ENCRYPTION) and runs
 *               tofu itself. plan = `init`, `workspace select -or-create`,
 *               `plan -out`; apply = `apply PLANFILE` in the same directory.
 *   runner      the runner worker process (workers/opentofu, built), driven
 *               through the dev server: a workflow calls `plan`, then another
 *               calls `apply` with the plan's hash. Timed from the client
 *               (workflow start to result), and split with the workflow's
 *               history (activity scheduled/started/completed) and the tofu
 *               command times.
 *
 * Both sides run tofu through bench/iac/tofu-timed (GNU time), which logs
 * each command's elapsed time and peak RSS. Every measurement is a fresh
 * stack (its own workspace, files, bucket or database), so nothing is
 * destroyed between runs; everything goes with the scratch directory, the
 * PostgreSQL cluster and moto at the end. Order per workload: runner, tofu,
 * tofu, runner (A-B-B-A), then B-A-A-B for a second round, and so on.
 *
 * Environment (bench/iac/run sets it): TEMPORAL_ADDRESS, PROVISIO_TEST_PG_*,
 * PROVISIO_TEST_S3_ENDPOINT, PROVISIO_TOFU (the real binary),
 * TF_CLI_CONFIG_FILE, BENCH_RUNNER_DIST (workers/opentofu/dist of a built
 * copy), BENCH_TOFU_TIMED, BENCH_IAC_WORK (scratch), BENCH_IAC_OUT (results),
 * BENCH_IAC_WORKLOADS, BENCH_IAC_ROUNDS.
 *
 * Prints progress and each run's figures on stderr, the tables on stdout, and
 * writes every run as a JSON line to BENCH_IAC_OUT/iac-runs.jsonl.
 */
import { spawn, ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import {
  appendFile,
  mkdir,
  readFile,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Client, Connection, WorkflowHandle } from "@temporalio/client";
import {
  bundleWorkflowCode,
  DefaultLogger,
  makeTelemetryFilterString,
  NativeConnection,
  Runtime,
  Worker,
} from "@temporalio/worker";
import { Client as PgClient } from "pg";
import { AesGcmCodec, KeyRing } from "@provisio/codec-ts";
import type { CallRunnerRequest } from "./workflows";

const REPO = path.resolve(__dirname, "..", "..", "..");

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set (bench/iac/run sets it)`);
  return value;
}

function note(text: string): void {
  process.stderr.write(`[iac-bench] ${text}\n`);
}

// ---------------------------------------------------------------- workloads

interface Workload {
  name: string;
  template: string;
  /** The request for a fresh stack number `n`. */
  inputs(
    stack: string,
    n: number,
  ): {
    parameters: Record<string, unknown>;
    region?: string;
    profile?: string;
  };
}

/** filesTemplate: N independent local_file resources under the local root. */
function filesTemplate(files: number): string {
  const parts = [
    `terraform {
  required_providers {
    local = { source = "hashicorp/local" }
  }
}

variable "provisio_stack" {
  type = string
}

variable "provisio_local_root" {
  type = string
}

locals {
  dir = "\${var.provisio_local_root}/\${var.provisio_stack}"
}
`,
  ];
  for (let i = 0; i < files; i++) {
    parts.push(`resource "local_file" "f${i}" {
  filename        = "\${local.dir}/f${i}.txt"
  content         = "file ${i} of \${var.provisio_stack}\\n"
  file_permission = "0644"
}
`);
  }
  parts.push(`output "files" {
  value = ${files}
}
`);
  return parts.join("\n");
}

const WORKLOADS: Record<string, Workload> = {
  "local-site": {
    name: "local-site",
    template: "local-site",
    inputs: (stack) => ({ parameters: { site_name: stack } }),
  },
  "static-site": {
    name: "static-site",
    template: "static-site",
    inputs: (stack) => ({
      parameters: { bucket_name: stack, team: "bench" },
      region: "us-east-1",
      profile: "emulator",
    }),
  },
  database: {
    name: "database",
    template: "database",
    inputs: (_stack, n) => ({ parameters: { database_name: `bench_db_${n}` } }),
  },
};
for (const n of [10, 100, 300, 1000, 3000]) {
  WORKLOADS[`files-${n}`] = {
    name: `files-${n}`,
    template: `files-${n}`,
    inputs: () => ({ parameters: {} }),
  };
}

// ----------------------------------------------------------- measurements

/** TofuCommand: one line of tofu-timed's log. */
interface TofuCommand {
  command: string;
  seconds: number;
  maxRssKb: number;
}

interface OpFigures {
  /** Wall time of the operation as its caller sees it. */
  seconds: number;
  /** Runner only: ActivityTaskScheduled -> Started -> Completed, server times. */
  queuedSeconds?: number;
  activitySeconds?: number;
  commands: TofuCommand[];
}

interface RunFigures {
  workload: string;
  mode: "tofu" | "runner";
  stack: string;
  at: string;
  load1: number;
  plan: OpFigures;
  apply: OpFigures;
  /** Runner only: VmHWM of the runner worker (node) over this run, KiB. */
  runnerPeakRssKb?: number;
  resourceChanges?: number;
}

const timesFile = () => env("BENCH_TOFU_TIMES");

async function timesMark(): Promise<number> {
  return (await stat(timesFile()).catch(() => ({ size: 0 }))).size;
}

/** commandsSince: the tofu-timed lines written after `mark`. */
async function commandsSince(mark: number): Promise<TofuCommand[]> {
  const text = (await readFile(timesFile())).subarray(mark).toString("utf8");
  const out: TofuCommand[] = [];
  for (const line of text.split("\n")) {
    const m = /^(\d+(?:\.\d+)?) (\d+) \S+ (\S+)/.exec(line);
    if (m)
      out.push({
        command: m[3],
        seconds: Number(m[1]),
        maxRssKb: Number(m[2]),
      });
  }
  return out;
}

async function load1(): Promise<number> {
  return Number((await readFile("/proc/loadavg", "utf8")).split(" ")[0]);
}

function since(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** runCommand: one tofu command through tofu-timed; throws with its output's tail on failure. */
function runCommand(
  args: string[],
  cwd: string,
  commandEnv: NodeJS.ProcessEnv,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(env("BENCH_TOFU_TIMED"), args, {
      cwd,
      env: commandEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let tail = "";
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`tofu ${args.join(" ")} exited ${code}:\n${tail}`)),
    );
  });
}

interface LayOutModule {
  layOut(
    config: Record<string, unknown>,
    inputs: Record<string, unknown>,
  ): Promise<{ dir: string; env: NodeJS.ProcessEnv; remove(): Promise<void> }>;
}

// ------------------------------------------------------------------ world

class Bench {
  private runner: ChildProcess | undefined;
  private client!: Client;
  private connection!: Connection;
  private workerConnection!: NativeConnection;
  private testWorker!: Worker;
  private testWorkerRun!: Promise<void>;
  private readonly taskQueue = `iac-bench-${randomUUID()}`;
  private seq = 0;
  private layOut!: LayOutModule["layOut"];
  private runnerConfig!: Record<string, unknown>;

  constructor(
    readonly work: string,
    readonly out: string,
  ) {}

  async start(workloads: string[]): Promise<void> {
    const database = "iac_bench";
    await sql("postgres", `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await sql("postgres", `CREATE DATABASE ${database}`);

    const templatesDir = path.join(this.work, "templates");
    await mkdir(templatesDir, { recursive: true });
    for (const t of ["local-site", "static-site", "database"]) {
      await symlink(
        path.join(REPO, "templates", t),
        path.join(templatesDir, t),
      );
    }
    for (const w of workloads) {
      const m = /^files-(\d+)$/.exec(w);
      if (!m) continue;
      await mkdir(path.join(templatesDir, w));
      await writeFile(
        path.join(templatesDir, w, "main.tf"),
        filesTemplate(Number(m[1])),
      );
    }
    const localRoot = path.join(this.work, "local-cloud");
    await mkdir(localRoot, { recursive: true });
    const aws = path.join(this.work, "aws");
    await mkdir(aws, { recursive: true });
    await writeFile(
      path.join(aws, "config"),
      `[profile emulator]\nregion = us-east-1\nendpoint_url = ${env("PROVISIO_TEST_S3_ENDPOINT")}\n`,
    );
    await writeFile(
      path.join(aws, "credentials"),
      "[emulator]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    );

    const passphrase = randomBytes(24).toString("hex");
    const pgUrlBench = pgUrl(database);
    // What tofu needs on both sides: the database template's server (libpq
    // variables), the S3 profiles, and tofu-timed's settings.
    Object.assign(process.env, {
      PGHOST: env("PROVISIO_TEST_PG_HOST"),
      PGPORT: env("PROVISIO_TEST_PG_PORT"),
      PGUSER: env("PROVISIO_TEST_PG_USER"),
      PGPASSWORD: env("PROVISIO_TEST_PG_PASSWORD"),
      PGSSLMODE: "disable",
      AWS_CONFIG_FILE: path.join(aws, "config"),
      AWS_SHARED_CREDENTIALS_FILE: path.join(aws, "credentials"),
      BENCH_TOFU_REAL: env("PROVISIO_TOFU"),
      BENCH_TOFU_TIMES: path.join(this.out, "tofu-commands.log"),
    });
    await writeFile(timesFile(), "");

    // The same configuration the runner gets from its environment (config.ts).
    this.runnerConfig = {
      tofu: env("BENCH_TOFU_TIMED"),
      cliConfigFile: env("TF_CLI_CONFIG_FILE"),
      templatesDir,
      pgUrl: pgUrlBench,
      stateSchema: "tofu_state",
      statePassphrase: passphrase,
      workDir: path.join(this.work, "tofu-work"),
      localRoot,
      cancelGraceMs: 30000,
      heartbeatIntervalMs: 1000,
    };
    const dist = env("BENCH_RUNNER_DIST");
    this.layOut = (
      require(path.join(dist, "src", "working-dir.js")) as LayOutModule
    ).layOut;

    const ringEnv = {
      PROVISIO_CODEC_KEY_ID: "bench",
      PROVISIO_CODEC_KEY_HEX: randomBytes(32).toString("hex"),
    };
    const codec = new AesGcmCodec(KeyRing.fromEnv(ringEnv));
    const runnerEnv: NodeJS.ProcessEnv = {
      ...process.env,
      ...ringEnv,
      PROVISIO_TOFU: env("BENCH_TOFU_TIMED"),
      PROVISIO_TEMPLATES_DIR: templatesDir,
      PROVISIO_RUNNER_PG_URL: pgUrlBench,
      PROVISIO_STATE_PASSPHRASE: passphrase,
      PROVISIO_RUNNER_WORK_DIR: path.join(this.work, "runner-work"),
      PROVISIO_LOCAL_ROOT: localRoot,
    };
    await this.startRunner(path.join(dist, "src", "worker.js"), runnerEnv);

    Runtime.install({
      logger: new DefaultLogger("WARN"),
      telemetryOptions: {
        logging: {
          filter: makeTelemetryFilterString({ core: "WARN" }),
          forward: {},
        },
      },
    });
    const address = env("TEMPORAL_ADDRESS");
    this.connection = await Connection.connect({ address });
    this.client = new Client({
      connection: this.connection,
      namespace: "default",
      dataConverter: { payloadCodecs: [codec] },
    });
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve("./workflows"),
      logger: new DefaultLogger("WARN"),
    });
    this.workerConnection = await NativeConnection.connect({ address });
    this.testWorker = await Worker.create({
      connection: this.workerConnection,
      namespace: "default",
      taskQueue: this.taskQueue,
      workflowBundle: { code },
      dataConverter: { payloadCodecs: [codec] },
    });
    this.testWorkerRun = this.testWorker.run();
  }

  private async startRunner(main: string, runnerEnv: NodeJS.ProcessEnv) {
    const logPath = path.join(this.out, "runner-worker.log");
    const log = createWriteStream(logPath, { flags: "a" });
    await once(log, "open");
    const child = spawn(process.execPath, [main], {
      env: runnerEnv,
      stdio: ["ignore", "pipe", log],
    });
    this.runner = child;
    await new Promise<void>((resolve, reject) => {
      let seen = "";
      const timer = setTimeout(
        () => reject(new Error("the runner worker was not ready in 60 s")),
        60_000,
      );
      child.stdout!.on("data", (chunk: Buffer) => {
        log.write(chunk);
        seen += chunk.toString();
        if (seen.includes("opentofu runner ready")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the runner worker exited (${code}); see ${logPath}`));
      });
    });
    child.removeAllListeners("exit");
    note(`runner worker ready (pid ${child.pid})`);
  }

  /** resetPeakRss: resets the runner's VmHWM (clear_refs 5), so a run reads its own peak. */
  private async resetPeakRss(): Promise<boolean> {
    return writeFile(`/proc/${this.runner!.pid}/clear_refs`, "5").then(
      () => true,
      () => false,
    );
  }

  private async peakRssKb(): Promise<number> {
    const status = await readFile(`/proc/${this.runner!.pid}/status`, "utf8");
    return Number(/VmHWM:\s+(\d+)/.exec(status)![1]);
  }

  private nextStack(w: Workload, mode: string): { stack: string; n: number } {
    const n = ++this.seq;
    return { stack: `b${n}-${w.name}-${mode}`.slice(0, 60), n };
  }

  async tofuAlone(w: Workload): Promise<RunFigures> {
    const { stack, n } = this.nextStack(w, "tofu");
    const at = new Date().toISOString();
    const load = await load1();
    const wd = await this.layOut(this.runnerConfig, {
      stack,
      template: w.template,
      ...w.inputs(stack, n),
    });
    try {
      let mark = await timesMark();
      let t0 = process.hrtime.bigint();
      await runCommand(["init", "-input=false", "-no-color"], wd.dir, wd.env);
      await runCommand(
        ["workspace", "select", "-or-create=true", "-no-color", stack],
        wd.dir,
        wd.env,
      );
      await runCommand(
        ["plan", "-input=false", "-no-color", "-out=bench.tfplan"],
        wd.dir,
        wd.env,
      );
      const plan = { seconds: since(t0), commands: await commandsSince(mark) };
      mark = await timesMark();
      t0 = process.hrtime.bigint();
      await runCommand(
        ["apply", "-input=false", "-no-color", "bench.tfplan"],
        wd.dir,
        wd.env,
      );
      const apply = { seconds: since(t0), commands: await commandsSince(mark) };
      return {
        workload: w.name,
        mode: "tofu",
        stack,
        at,
        load1: load,
        plan,
        apply,
      };
    } finally {
      await wd.remove();
    }
  }

  private async call(
    request: CallRunnerRequest,
    stack: string,
  ): Promise<{ result: any; figures: OpFigures }> {
    const mark = await timesMark();
    const t0 = process.hrtime.bigint();
    const handle: WorkflowHandle = await this.client.workflow.start(
      "callRunner",
      {
        taskQueue: this.taskQueue,
        workflowId: `iac-bench-${request.activity}-${stack}`,
        args: [request],
      },
    );
    const result = await handle.result();
    const seconds = since(t0);
    const history = await handle.fetchHistory();
    const ms = (e: any) =>
      Number(e.eventTime.seconds) * 1000 + (e.eventTime.nanos ?? 0) / 1e6;
    const ev = history.events ?? [];
    const scheduled = ev.find(
      (e: any) => e.activityTaskScheduledEventAttributes,
    );
    const started = ev.find((e: any) => e.activityTaskStartedEventAttributes);
    const completed = ev.find(
      (e: any) => e.activityTaskCompletedEventAttributes,
    );
    return {
      result,
      figures: {
        seconds,
        queuedSeconds: (ms(started) - ms(scheduled)) / 1000,
        activitySeconds: (ms(completed) - ms(started)) / 1000,
        commands: await commandsSince(mark),
      },
    };
  }

  async viaRunner(w: Workload): Promise<RunFigures> {
    const { stack, n } = this.nextStack(w, "runner");
    const at = new Date().toISOString();
    const load = await load1();
    const reset = await this.resetPeakRss();
    const input = { stack, template: w.template, ...w.inputs(stack, n) };
    const plan = await this.call({ activity: "plan", input }, stack);
    const apply = await this.call(
      { activity: "apply", input: { hash: plan.result.hash } },
      stack,
    );
    if (apply.result.progress.done !== plan.result.summary.length) {
      throw new Error(
        `${stack}: applied ${apply.result.progress.done} of ${plan.result.summary.length} changes`,
      );
    }
    return {
      workload: w.name,
      mode: "runner",
      stack,
      at,
      load1: load,
      plan: plan.figures,
      apply: apply.figures,
      ...(reset ? { runnerPeakRssKb: await this.peakRssKb() } : {}),
      resourceChanges: plan.result.summary.length,
    };
  }

  async close(): Promise<void> {
    this.testWorker?.shutdown();
    await this.testWorkerRun?.catch(() => undefined);
    const child = this.runner;
    if (child && child.exitCode === null) {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    }
    await this.connection?.close();
    await this.workerConnection?.close();
  }
}

function pgUrl(database: string): string {
  const user = encodeURIComponent(env("PROVISIO_TEST_PG_USER"));
  const password = encodeURIComponent(env("PROVISIO_TEST_PG_PASSWORD"));
  return `postgres://${user}:${password}@${env("PROVISIO_TEST_PG_HOST")}:${env("PROVISIO_TEST_PG_PORT")}/${database}?sslmode=disable`;
}

async function sql(database: string, text: string): Promise<void> {
  const client = new PgClient({ connectionString: pgUrl(database) });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------- report

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const f2 = (x: number) => x.toFixed(2);

/** split: a runner operation's time by where it went (means over runs). */
function split(ops: OpFigures[]) {
  const part = (op: OpFigures, names: string[]) =>
    op.commands
      .filter((c) => names.includes(c.command))
      .reduce((a, c) => a + c.seconds, 0);
  // plan's two `show`s run side by side: count the longer one.
  const show = (op: OpFigures) =>
    Math.max(
      0,
      ...op.commands.filter((c) => c.command === "show").map((c) => c.seconds),
    );
  const init = mean(ops.map((o) => part(o, ["init", "workspace"])));
  const main = mean(ops.map((o) => part(o, ["plan", "apply"])));
  const shows = mean(ops.map(show));
  const activity = mean(ops.map((o) => o.activitySeconds ?? o.seconds));
  const total = mean(ops.map((o) => o.seconds));
  return {
    init,
    main,
    shows,
    inActivityOutsideTofu: activity - init - main - shows,
    outsideActivity: total - activity,
    total,
  };
}

function report(runs: RunFigures[], workloads: string[]): string {
  const lines: string[] = [];
  const cpu = os.cpus()[0]?.model ?? "?";
  const loads = runs.map((r) => r.load1);
  lines.push(
    `date: ${new Date().toISOString()}; machine: nproc=${os.availableParallelism()}, CPU: ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; load average (1 min) at the runs: ${Math.min(...loads).toFixed(1)} to ${Math.max(...loads).toFixed(1)}`,
  );
  lines.push("");
  lines.push(
    "| workload | op | tofu alone (s) | runner (s) | ratio runner/tofu | runs each | runner peak RSS (MiB) | tofu peak RSS (MiB) |",
  );
  lines.push("|---|---|---|---|---|---|---|---|");
  for (const w of workloads) {
    const tofu = runs.filter((r) => r.workload === w && r.mode === "tofu");
    const runner = runs.filter((r) => r.workload === w && r.mode === "runner");
    if (!tofu.length || !runner.length) continue;
    const rss = Math.max(...runner.map((r) => r.runnerPeakRssKb ?? 0)) / 1024;
    for (const op of ["plan", "apply"] as const) {
      const t = mean(tofu.map((r) => r[op].seconds));
      const u = mean(runner.map((r) => r[op].seconds));
      const tofuRss =
        Math.max(
          ...runs
            .filter((r) => r.workload === w)
            .flatMap((r) => r[op].commands.map((c) => c.maxRssKb)),
        ) / 1024;
      lines.push(
        `| ${w} | ${op} | ${f2(t)} (${tofu.map((r) => f2(r[op].seconds)).join(", ")}) | ${f2(u)} (${runner.map((r) => f2(r[op].seconds)).join(", ")}) | ${f2(u / t)} | ${tofu.length} + ${runner.length} | ${rss ? rss.toFixed(0) : "-"} | ${tofuRss.toFixed(0)} |`,
      );
    }
  }
  lines.push("");
  lines.push(
    "Where the time goes (means, seconds). tofu: init+workspace, then plan or apply. runner: the same tofu commands inside the activity, the plan's `show -json`/`show` (run side by side: the longer), the rest of the activity outside tofu (layout, plan store, run log, heartbeats), and outside the activity (workflow tasks, queueing, client).",
  );
  lines.push("");
  lines.push(
    "| workload | op | tofu: init+ws | tofu: plan/apply | runner: init+ws | runner: plan/apply | runner: show | runner: activity outside tofu | runner: outside activity |",
  );
  lines.push("|---|---|---|---|---|---|---|---|---|");
  for (const w of workloads) {
    const tofu = runs.filter((r) => r.workload === w && r.mode === "tofu");
    const runner = runs.filter((r) => r.workload === w && r.mode === "runner");
    if (!tofu.length || !runner.length) continue;
    for (const op of ["plan", "apply"] as const) {
      const t = split(tofu.map((r) => r[op]));
      const u = split(runner.map((r) => r[op]));
      lines.push(
        `| ${w} | ${op} | ${f2(t.init)} | ${f2(t.main)} | ${f2(u.init)} | ${f2(u.main)} | ${f2(u.shows)} | ${f2(u.inActivityOutsideTofu)} | ${f2(u.outsideActivity)} |`,
      );
    }
  }
  return lines.join("\n");
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  const work = env("BENCH_IAC_WORK");
  const out = env("BENCH_IAC_OUT");
  await mkdir(out, { recursive: true });
  const workloads = (
    process.env.BENCH_IAC_WORKLOADS ||
    "local-site,static-site,database,files-100,files-1000"
  )
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const w of workloads) {
    if (!WORKLOADS[w]) {
      throw new Error(
        `unknown workload ${w} (${Object.keys(WORKLOADS).join(", ")})`,
      );
    }
  }
  const rounds = Number(process.env.BENCH_IAC_ROUNDS || "1");
  const runsFile = path.join(out, "iac-runs.jsonl");
  await writeFile(runsFile, "");

  const bench = new Bench(work, out);
  const runs: RunFigures[] = [];
  try {
    await bench.start(workloads);
    // One unmeasured run of each side first: the first tofu of a session
    // pays for reading the binary and the providers from disk.
    note("warm-up: local-site, both sides (not counted)");
    await bench.viaRunner(WORKLOADS["local-site"]);
    await bench.tofuAlone(WORKLOADS["local-site"]);
    for (const name of workloads) {
      const w = WORKLOADS[name];
      for (let r = 0; r < rounds; r++) {
        const order: Array<"runner" | "tofu"> =
          r % 2 === 0
            ? ["runner", "tofu", "tofu", "runner"]
            : ["tofu", "runner", "runner", "tofu"];
        for (const mode of order) {
          const run =
            mode === "runner"
              ? await bench.viaRunner(w)
              : await bench.tofuAlone(w);
          runs.push(run);
          await appendFile(runsFile, JSON.stringify(run) + "\n");
          note(
            `${name} ${mode.padEnd(6)} plan ${f2(run.plan.seconds)} s, apply ${f2(run.apply.seconds)} s` +
              (run.mode === "runner"
                ? ` (activities ${f2(run.plan.activitySeconds!)} + ${f2(run.apply.activitySeconds!)} s, peak RSS ${((run.runnerPeakRssKb ?? 0) / 1024).toFixed(0)} MiB)`
                : "") +
              `, load ${run.load1}`,
          );
        }
      }
    }
  } finally {
    await bench.close();
  }
  const table = report(runs, workloads);
  await writeFile(path.join(out, "iac.txt"), table + "\n");
  process.stdout.write(table + "\n");
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error("iac bench failed:", err);
    process.exit(1);
  },
);
