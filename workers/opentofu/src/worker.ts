/**
 * The OpenTofu runner worker: serves the activities of activities.ts on task
 * queue `iac-opentofu` (PROVISIO_RUNNER_TASK_QUEUE overrides it), every
 * payload through the AES-256-GCM codec of packages/codec-ts.
 *
 * Environment: TEMPORAL_ADDRESS (required), TEMPORAL_NAMESPACE (default
 * "default"), the codec's PROVISIO_CODEC_KEY_ID, PROVISIO_CODEC_KEY_HEX and
 * optional PROVISIO_CODEC_DECRYPT_ONLY_KEYS, and config.ts's variables.
 *
 * Prints exactly `opentofu runner ready` on stdout once it polls; the SDK's
 * logs go to stderr. SIGINT or SIGTERM shuts it down gracefully: running
 * activities are cancelled (so tofu gets SIGINT) and the process exits 0.
 */
import {
  DefaultLogger,
  makeTelemetryFilterString,
  NativeConnection,
  Runtime,
  Worker,
} from "@temporalio/worker";
import { Pool } from "pg";
import { AesGcmCodec, KeyRing } from "@provisio/codec-ts";
import { createActivities } from "./activities";
import { configFromEnv } from "./config";
import { temporalConnectionFromEnv } from "./temporal-connection";
import { PlanStore } from "./plan-store";

export const TASK_QUEUE = "iac-opentofu";
const READY_LINE = "opentofu runner ready";

async function main(): Promise<void> {
  const { namespace, options: connectionOptions } = temporalConnectionFromEnv();
  const taskQueue = process.env.PROVISIO_RUNNER_TASK_QUEUE || TASK_QUEUE;
  const config = configFromEnv(process.env);
  const ring = KeyRing.fromEnv(process.env);
  const store = new PlanStore(config.pgUrl, ring);
  await store.ensureSchema();
  const platform = platformPool(config.platformPgUrl);

  Runtime.install({
    logger: new DefaultLogger("WARN"),
    telemetryOptions: {
      logging: {
        filter: makeTelemetryFilterString({ core: "WARN" }),
        forward: {},
      },
    },
    shutdownSignals: ["SIGINT", "SIGTERM"],
  });
  const connection = await NativeConnection.connect(connectionOptions);
  try {
    const worker = await Worker.create({
      connection,
      namespace,
      taskQueue,
      activities: createActivities({ config, store, ring, platform }),
      dataConverter: { payloadCodecs: [new AesGcmCodec(ring)] },
      // tofu runs are heavy: a few at a time per worker; scale with workers.
      maxConcurrentActivityTaskExecutions: Number(
        process.env.PROVISIO_RUNNER_CONCURRENCY || "4",
      ),
      // On shutdown, running activities are cancelled after a second, so
      // tofu gets SIGINT and its own grace period (PROVISIO_TOFU_GRACE_MS).
      shutdownGraceTime: "1s",
    });
    const ready = (async () => {
      while (worker.getState() === "INITIALIZED") {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      if (worker.getState() === "RUNNING") {
        process.stdout.write(`${READY_LINE}\n`);
      }
    })();
    await Promise.all([worker.run(), ready]);
  } finally {
    await connection.close();
    await store.close();
    await platform?.end();
  }
}

// platformPool: the platform database's pool, or undefined when not
// configured. Its writes are best effort (apply-progress-rows.ts): short
// timeouts, so that a database that is down delays an apply little.
function platformPool(url: string | undefined): Pool | undefined {
  if (url === undefined) return undefined;
  const pool = new Pool({
    connectionString: url,
    max: 2,
    connectionTimeoutMillis: 5_000,
    statement_timeout: 5_000,
  });
  // An idle client's error (the server restarting) must not crash the worker.
  pool.on("error", () => undefined);
  return pool;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error("opentofu runner failed:", err);
    process.exit(1);
  },
);
