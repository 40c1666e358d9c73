/**
 * The runner's configuration, all from the environment (see README.md).
 */
import os from "node:os";
import path from "node:path";

/** RunnerConfig: where tofu, the templates, PostgreSQL and the work go. */
export interface RunnerConfig {
  /** The tofu binary (PROVISIO_TOFU). */
  tofu: string;
  /** The mirror-only CLI config file (TF_CLI_CONFIG_FILE). */
  cliConfigFile: string;
  /** The catalogue: templates/NAME directories (PROVISIO_TEMPLATES_DIR). */
  templatesDir: string;
  /**
   * PostgreSQL connection URL (PROVISIO_RUNNER_PG_URL) for the plan store,
   * the run logs and the `pg` state backend.
   */
  pgUrl: string;
  /**
   * The platform database's URL (PROVISIO_PLATFORM_PG_URL), optional: when
   * set, apply and destroy write each resource's progress to its
   * `apply_progress` table (the UI's progress bars); unset, they do not.
   */
  platformPgUrl?: string;
  /** The schema the `pg` backend keeps its states in (PROVISIO_STATE_SCHEMA). */
  stateSchema: string;
  /**
   * The passphrase of OpenTofu's `encryption` block (PROVISIO_STATE_PASSPHRASE,
   * at least 16 characters): state and plan files are encrypted client-side.
   */
  statePassphrase: string;
  /** Fresh working directories are made under this (PROVISIO_RUNNER_WORK_DIR). */
  workDir: string;
  /** The directory standing for the cloud of local-site (PROVISIO_LOCAL_ROOT). */
  localRoot: string;
  /** After SIGINT on cancel, how long tofu gets before SIGKILL (PROVISIO_TOFU_GRACE_MS). */
  cancelGraceMs: number;
  /** How often a running tofu's progress is heartbeated at least (ms). */
  heartbeatIntervalMs: number;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === "") {
    throw new Error(`${name} must be set (see workers/opentofu/README.md)`);
  }
  return value;
}

/** configFromEnv: the RunnerConfig of `env`; throws naming a missing variable. */
export function configFromEnv(env: NodeJS.ProcessEnv): RunnerConfig {
  const statePassphrase = required(env, "PROVISIO_STATE_PASSPHRASE");
  if (statePassphrase.length < 16) {
    throw new Error(
      "PROVISIO_STATE_PASSPHRASE must be at least 16 characters (OpenTofu's pbkdf2 key provider)",
    );
  }
  const grace = Number(env.PROVISIO_TOFU_GRACE_MS ?? "30000");
  if (!Number.isFinite(grace) || grace < 0) {
    throw new Error("PROVISIO_TOFU_GRACE_MS must be a number of milliseconds");
  }
  return {
    tofu: required(env, "PROVISIO_TOFU"),
    cliConfigFile: required(env, "TF_CLI_CONFIG_FILE"),
    templatesDir: path.resolve(
      env.PROVISIO_TEMPLATES_DIR ||
        path.join(__dirname, "..", "..", "..", "..", "templates"),
    ),
    pgUrl: required(env, "PROVISIO_RUNNER_PG_URL"),
    ...(env.PROVISIO_PLATFORM_PG_URL
      ? { platformPgUrl: env.PROVISIO_PLATFORM_PG_URL }
      : {}),
    stateSchema: env.PROVISIO_STATE_SCHEMA || "tofu_state",
    statePassphrase,
    workDir:
      env.PROVISIO_RUNNER_WORK_DIR || path.join(os.tmpdir(), "provisio-runner"),
    localRoot:
      env.PROVISIO_LOCAL_ROOT || path.join(os.tmpdir(), "provisio-local-cloud"),
    cancelGraceMs: grace,
    heartbeatIntervalMs: Number(env.PROVISIO_RUNNER_HEARTBEAT_MS ?? "1000"),
  };
}
