/**
 * The provider worker of the ProvisionApplication example: the official
 * Temporal TypeScript SDK polling "provision-application-resources" for the
 * provider activities (./activities.ts), as the demo's provisioning_aws worker
 * polls its own task queue. It hosts no workflows.
 *
 *   TEMPORAL_ADDRESS       host:port (required)
 *   TEMPORAL_NAMESPACE     default "default"
 *   PROVISIO_LOCAL_ROOT    root directory of the local provider (required)
 *   PROVISIO_LOCAL_STEP_MS how long each resource takes, default 1000
 *   PROVISION_RESOURCES_TASK_QUEUE  default "provision-application-resources"
 *
 * Prints exactly `provision-application resources worker ready` on stdout
 * once it polls; logs go to stderr. SIGINT or SIGTERM shuts it down
 * gracefully and the process exits 0.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import {
  DefaultLogger,
  makeTelemetryFilterString,
  NativeConnection,
  Runtime,
  Worker,
} from "@temporalio/worker";
import { createActivities } from "./activities";
import { LocalCloud } from "./local-provider";

const READY_LINE = "provision-application resources worker ready";

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    throw new Error(`${name} must be set`);
  }
  return value;
}

function optionalEnv(name: string, fallback: string): string {
  const value = process.env[name];
  return value === undefined || value === "" ? fallback : value;
}

async function main(): Promise<void> {
  const address = requiredEnv("TEMPORAL_ADDRESS");
  const namespace = optionalEnv("TEMPORAL_NAMESPACE", "default");
  const taskQueue = optionalEnv(
    "PROVISION_RESOURCES_TASK_QUEUE",
    "provision-application-resources",
  );
  const root = path.resolve(requiredEnv("PROVISIO_LOCAL_ROOT"));
  const stepMs = Number(optionalEnv("PROVISIO_LOCAL_STEP_MS", "1000"));
  if (!Number.isFinite(stepMs) || stepMs < 0) {
    throw new Error("PROVISIO_LOCAL_STEP_MS must be a number of milliseconds");
  }
  await mkdir(root, { recursive: true });

  Runtime.install({
    // DefaultLogger writes to stderr; stdout carries only the ready line.
    logger: new DefaultLogger("INFO"),
    // Forward the native core's logs to that logger too (by default core
    // prints to stdout).
    telemetryOptions: {
      logging: {
        filter: makeTelemetryFilterString({ core: "WARN" }),
        forward: {},
      },
    },
    shutdownSignals: ["SIGINT", "SIGTERM"],
  });
  const connection = await NativeConnection.connect({ address });
  try {
    const worker = await Worker.create({
      connection,
      namespace,
      taskQueue,
      activities: createActivities(new LocalCloud(root), stepMs),
      // Cancellation reaches an activity only in a heartbeat's response. The
      // default throttle (0.8 x the 10 s heartbeat timeout) would let a
      // cancelled provisioning run on for up to 8 s; at most 1 s between
      // heartbeats, it stops within about a second.
      maxHeartbeatThrottleInterval: "1s",
    });
    const running = worker.run();
    // run() has no "started" event; it sets RUNNING as its pollers start.
    while (worker.getState() === "INITIALIZED") {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (worker.getState() === "RUNNING") {
      process.stdout.write(`${READY_LINE}\n`);
      process.stderr.write(
        `polling ${taskQueue} on ${address} (namespace ${namespace}); local cloud at ${root}\n`,
      );
    }
    await running;
  } finally {
    await connection.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error("provision-application resources worker failed:", err);
    process.exit(1);
  },
);
