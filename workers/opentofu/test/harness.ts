/**
 * The real parts the runner's tests run against: the Temporal dev server,
 * the PostgreSQL cluster and the moto server that scripts/test-iac's runner
 * phase starts (TEMPORAL_ADDRESS, PROVISIO_TEST_PG_*, PROVISIO_TEST_S3_ENDPOINT),
 * our tofu (PROVISIO_TOFU, TF_CLI_CONFIG_FILE), and the runner worker itself
 * as a child process (dist/src/worker.js) that a test may SIGKILL.
 *
 * A Harness is one test file's world: a fresh state directory (templates,
 * local cloud, AWS profile files), a fresh codec key, the runner worker, an
 * in-process worker for the test workflows on a task queue of its own, and a
 * client. Nothing here stands in for Temporal, PostgreSQL, OpenTofu or moto.
 */
import { ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import {
  mkdir,
  mkdtemp,
  readFile,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  ActivityFailure,
  ApplicationFailure,
  Client,
  Connection,
  WorkflowFailedError,
  WorkflowHandle,
} from "@temporalio/client";
import assert from "node:assert/strict";
import { defaultPayloadConverter } from "@temporalio/common";
import {
  DefaultLogger,
  makeTelemetryFilterString,
  NativeConnection,
  Runtime,
  Worker,
} from "@temporalio/worker";
import { Client as PgClient } from "pg";
import { AesGcmCodec, KeyRing } from "@provisio/codec-ts";
import type { CallRunnerRequest } from "./workflows";

const REPO = path.resolve(__dirname, "..", "..", "..", "..");
const RUNNER_MAIN = path.resolve(__dirname, "..", "src", "worker.js");
const READY_LINE = "opentofu runner ready";

function env(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} must be set (scripts/test-iac runner sets it)`);
  }
  return value;
}

/** pgUrl: the test cluster's URL for `database`, as the superuser. */
export function pgUrl(database: string): string {
  const user = encodeURIComponent(env("PROVISIO_TEST_PG_USER"));
  const password = encodeURIComponent(env("PROVISIO_TEST_PG_PASSWORD"));
  return `postgres://${user}:${password}@${env("PROVISIO_TEST_PG_HOST")}:${env("PROVISIO_TEST_PG_PORT")}/${database}?sslmode=disable`;
}

/** sql: runs one statement on the test cluster and returns its rows. */
export async function sql<Row = Record<string, unknown>>(
  database: string,
  text: string,
  values: unknown[] = [],
): Promise<Row[]> {
  const client = new PgClient({ connectionString: pgUrl(database) });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as Row[];
  } finally {
    await client.end();
  }
}

/**
 * platformDatabase: a fresh database `platform_NAME` holding the platform
 * schema (db/migrations/0001_platform_schema.sql, as the provisioning worker
 * applies it); its name (pgUrl of it is for PROVISIO_PLATFORM_PG_URL).
 */
export async function platformDatabase(name: string): Promise<string> {
  const database = `platform_${name.replace(/[^a-z0-9]/g, "_")}`;
  await sql("postgres", `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await sql("postgres", `CREATE DATABASE ${database}`);
  const schema = await readFile(
    path.join(REPO, "db", "migrations", "0001_platform_schema.sql"),
    "utf8",
  );
  const client = new PgClient({ connectionString: pgUrl(database) });
  await client.connect();
  try {
    // Plain SQL, several statements: the simple query protocol runs them all.
    await client.query(schema);
  } finally {
    await client.end();
  }
  return database;
}

/** applicationFailure: the typed failure under a failed runner workflow. */
export async function applicationFailure(
  promise: Promise<unknown>,
): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => assert.fail("the workflow succeeded"),
    (e: unknown) => e,
  );
  assert.ok(
    err instanceof WorkflowFailedError,
    `not a workflow failure: ${err}`,
  );
  assert.ok(
    err.cause instanceof ActivityFailure,
    `not an activity failure: ${err.cause}`,
  );
  assert.ok(
    err.cause.cause instanceof ApplicationFailure,
    `not an application failure: ${err.cause.cause}`,
  );
  return err.cause.cause;
}

let runtimeInstalled = false;

export class Harness {
  readonly ring: KeyRing;
  readonly codec: AesGcmCodec;
  readonly taskQueue = `runner-tests-${randomUUID()}`;
  runner: ChildProcess | undefined;
  // Rejects when the runner worker exits without the harness ending it (a
  // crash, or a signal from outside): results raced against it fail then,
  // instead of waiting for a worker that is gone.
  private runnerGone!: Promise<never>;
  private testWorker: Worker | undefined;
  private testWorkerRun: Promise<void> | undefined;
  private connection: Connection | undefined;
  private workerConnection: NativeConnection | undefined;
  client!: Client;
  private readonly started: WorkflowHandle[] = [];

  private constructor(
    /** This file's scratch directory. */
    readonly dir: string,
    /** The database holding plans, run logs and states. */
    readonly database: string,
    readonly templatesDir: string,
    /** The local-site "cloud" (PROVISIO_LOCAL_ROOT). */
    readonly localRoot: string,
    readonly runnerEnv: NodeJS.ProcessEnv,
  ) {
    this.ring = KeyRing.fromEnv(runnerEnv);
    this.codec = new AesGcmCodec(this.ring);
  }

  /**
   * start: a world named `name`: its own database, the catalogue's templates
   * plus `extraTemplates` (name -> main.tf), the runner worker and a client.
   */
  static async start(
    name: string,
    extraTemplates: Record<string, string> = {},
    runnerEnv: NodeJS.ProcessEnv = {},
  ): Promise<Harness> {
    const dir = await mkdtemp(
      path.join(os.tmpdir(), `provisio-runner-${name}-`),
    );
    const database = `runner_${name.replace(/[^a-z0-9]/g, "_")}`;
    // A fresh database: plans, run logs and states of an earlier run (under
    // another passphrase and codec key) must not leak into this one.
    await sql("postgres", `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await sql("postgres", `CREATE DATABASE ${database}`);

    const templatesDir = path.join(dir, "templates");
    await mkdir(templatesDir);
    for (const template of ["local-site", "static-site", "database"]) {
      await symlink(
        path.join(REPO, "templates", template),
        path.join(templatesDir, template),
      );
    }
    for (const [template, mainTf] of Object.entries(extraTemplates)) {
      await mkdir(path.join(templatesDir, template));
      await writeFile(path.join(templatesDir, template, "main.tf"), mainTf);
    }
    const localRoot = path.join(dir, "local-cloud");
    await mkdir(localRoot);
    const aws = path.join(dir, "aws");
    await mkdir(aws);
    await writeFile(
      path.join(aws, "config"),
      `[profile emulator]\nregion = us-east-1\nendpoint_url = ${process.env.PROVISIO_TEST_S3_ENDPOINT ?? "http://127.0.0.1:1"}\n`,
    );
    await writeFile(
      path.join(aws, "credentials"),
      "[emulator]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    );

    const h = new Harness(dir, database, templatesDir, localRoot, {
      ...process.env,
      PROVISIO_TOFU: env("PROVISIO_TOFU"),
      TF_CLI_CONFIG_FILE: env("TF_CLI_CONFIG_FILE"),
      PROVISIO_TEMPLATES_DIR: templatesDir,
      PROVISIO_RUNNER_PG_URL: pgUrl(database),
      PROVISIO_STATE_PASSPHRASE: randomBytes(24).toString("hex"),
      PROVISIO_RUNNER_WORK_DIR: path.join(dir, "work"),
      PROVISIO_LOCAL_ROOT: localRoot,
      PROVISIO_CODEC_KEY_ID: `test-${name}`,
      PROVISIO_CODEC_KEY_HEX: randomBytes(32).toString("hex"),
      PROVISIO_RUNNER_HEARTBEAT_MS: "500",
      // The database template's provider reaches the server through libpq's variables.
      PGHOST: env("PROVISIO_TEST_PG_HOST"),
      PGPORT: env("PROVISIO_TEST_PG_PORT"),
      PGUSER: env("PROVISIO_TEST_PG_USER"),
      PGPASSWORD: env("PROVISIO_TEST_PG_PASSWORD"),
      PGSSLMODE: "disable",
      AWS_CONFIG_FILE: path.join(aws, "config"),
      AWS_SHARED_CREDENTIALS_FILE: path.join(aws, "credentials"),
      ...runnerEnv,
    });
    if (!runtimeInstalled) {
      Runtime.install({
        logger: new DefaultLogger("WARN"),
        telemetryOptions: {
          logging: {
            filter: makeTelemetryFilterString({ core: "WARN" }),
            forward: {},
          },
        },
      });
      runtimeInstalled = true;
    }
    await h.startRunner();
    h.connection = await Connection.connect({
      address: env("TEMPORAL_ADDRESS"),
    });
    h.client = new Client({
      connection: h.connection,
      namespace: process.env.TEMPORAL_NAMESPACE || "default",
      dataConverter: { payloadCodecs: [h.codec] },
    });
    h.testWorker = await Worker.create({
      connection: (h.workerConnection = await NativeConnection.connect({
        address: env("TEMPORAL_ADDRESS"),
      })),
      namespace: process.env.TEMPORAL_NAMESPACE || "default",
      taskQueue: h.taskQueue,
      workflowBundle: { codePath: path.join(__dirname, "workflow-bundle.js") },
      dataConverter: { payloadCodecs: [h.codec] },
    });
    h.testWorkerRun = h.testWorker.run();
    return h;
  }

  /** runnerLog: the runner worker's own output so far. */
  runnerLogPath(): string {
    return path.join(this.dir, "runner-worker.log");
  }

  /** startRunner: starts the runner worker (in a process group of its own) and waits until it polls. */
  async startRunner(): Promise<void> {
    const log = createWriteStream(this.runnerLogPath(), { flags: "a" });
    await once(log, "open");
    const child = spawn(process.execPath, [RUNNER_MAIN], {
      env: this.runnerEnv,
      stdio: ["ignore", "pipe", log],
      detached: true,
    });
    this.runner = child;
    let seen = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error("the runner worker was not ready in 60 s")),
        60_000,
      );
      child.stdout!.on("data", (chunk: Buffer) => {
        log.write(chunk);
        seen += chunk.toString();
        if (seen.includes(READY_LINE)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(
          new Error(
            `the runner worker exited (${code}) before it was ready; see ${this.runnerLogPath()}`,
          ),
        );
      });
    });
    child.removeAllListeners("exit");
    this.runnerGone = new Promise<never>((_resolve, reject) => {
      child.on("exit", (code, signal) => {
        if (this.runner === child) {
          reject(
            new Error(
              `the runner worker (pid ${child.pid}) exited unexpectedly (code ${code}, signal ${signal}); see ${this.runnerLogPath()}`,
            ),
          );
        }
      });
    });
    this.runnerGone.catch(() => undefined);
  }

  /** result: the workflow's result, or a rejection if the runner worker dies unbidden. */
  async result<T>(handle: WorkflowHandle): Promise<T> {
    return (await Promise.race([handle.result(), this.runnerGone])) as T;
  }

  /**
   * killRunner: SIGKILL to the runner worker's whole process group (the
   * worker, its tofu and tofu's providers), as a crashed host would end them.
   */
  async killRunner(): Promise<void> {
    const child = this.runner!;
    this.runner = undefined;
    const exited = once(child, "exit");
    process.kill(-child.pid!, "SIGKILL");
    await exited;
  }

  /** stopRunner: SIGTERM, the runner's graceful shutdown. */
  async stopRunner(): Promise<void> {
    const child = this.runner;
    if (!child || child.exitCode !== null) return;
    this.runner = undefined;
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const timer = setTimeout(
      () => process.kill(-child.pid!, "SIGKILL"),
      20_000,
    );
    await exited;
    clearTimeout(timer);
  }

  /** start: starts a callRunner workflow; its handle. */
  async start(request: CallRunnerRequest): Promise<WorkflowHandle> {
    const handle = await this.client.workflow.start("callRunner", {
      taskQueue: this.taskQueue,
      workflowId: `runner-test-${request.activity}-${randomUUID()}`,
      args: [request],
    });
    this.started.push(handle);
    return handle;
  }

  /** call: runs one runner activity through the server; its result. */
  async call<T>(
    activity: CallRunnerRequest["activity"],
    input: unknown,
    options: Omit<CallRunnerRequest, "activity" | "input"> = {},
  ): Promise<T> {
    const handle = await this.start({ activity, input, ...options });
    return this.result<T>(handle);
  }

  /**
   * heartbeats: the decoded heartbeat details of the workflow's pending
   * activity, as the server reports them (DescribeWorkflowExecution).
   */
  async pendingHeartbeat(handle: WorkflowHandle): Promise<unknown | undefined> {
    const description = await handle.describe();
    const pending = description.raw.pendingActivities?.[0];
    const payloads = pending?.heartbeatDetails?.payloads;
    if (!payloads || payloads.length === 0) return undefined;
    const [decoded] = await this.codec.decode(payloads);
    return defaultPayloadConverter.fromPayload(decoded);
  }

  /** runLogLines: the stored log lines of every run of `operation` on `stack`. */
  async runLogLines(stack: string, operation: string): Promise<string[]> {
    const rows = await sql<{ line: string }>(
      this.database,
      "SELECT line FROM iac_run_logs WHERE stack = $1 AND operation = $2 ORDER BY logged_at, run_id, seq",
      [stack, operation],
    ).catch(() => []);
    return rows.map((r) => r.line);
  }

  async close(): Promise<void> {
    // A failed test may leave its workflow waiting on an activity: end it, so
    // that the worker's shutdown does not wait for it.
    for (const handle of this.started) {
      await handle.terminate("test over").catch(() => undefined);
    }
    this.testWorker?.shutdown();
    await this.testWorkerRun?.catch(() => undefined);
    await this.stopRunner();
    await this.connection?.close();
    await this.workerConnection?.close();
    if (!process.env.PROVISIO_TEST_KEEP) {
      await rm(this.dir, { recursive: true, force: true });
    }
  }

  /** readRunnerLog: the runner worker's log, for failure messages. */
  async readRunnerLog(): Promise<string> {
    return readFile(this.runnerLogPath(), "utf8").catch(() => "");
  }
}

/** sleep: a pause of `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** waitFor: polls `check` every `everyMs` until it returns a value; throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}
