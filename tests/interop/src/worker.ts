/**
 * The TypeScript interop worker: the official Temporal TypeScript SDK serving
 * the interop workflows to Provisio's C++ SDK tests.
 *
 * Two Workers share one connection and one pre-built workflow bundle:
 *   - INTEROP_TASK_QUEUE (default "interop-ts"): the default data converter;
 *   - INTEROP_ENCRYPTED_TASK_QUEUE (default "interop-ts-encrypted"): the same
 *     workflows behind the AES-256-GCM payload codec, keyed by
 *     PROVISIO_CODEC_KEY_ID and PROVISIO_CODEC_KEY_HEX (64 hex characters),
 *     plus the decrypt-only keys of PROVISIO_CODEC_DECRYPT_ONLY_KEYS
 *     ("id=hex,..."); the codec is packages/codec-ts.
 * TEMPORAL_ADDRESS (host:port, required) and TEMPORAL_NAMESPACE (default
 * "default") say where the server is.
 *
 * Prints exactly `interop worker ready` on stdout once both Workers poll;
 * the SDK's own logs go to stderr. SIGINT or SIGTERM shuts both down
 * gracefully and the process exits 0.
 */
import path from "node:path";
import {
  DefaultLogger,
  makeTelemetryFilterString,
  NativeConnection,
  Runtime,
  Worker,
} from "@temporalio/worker";
import { AesGcmCodec } from "@provisio/codec-ts";

const READY_LINE = "interop worker ready";

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    throw new Error(`${name} must be set (see docs/interop.md)`);
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
  const taskQueue = optionalEnv("INTEROP_TASK_QUEUE", "interop-ts");
  const encryptedTaskQueue = optionalEnv(
    "INTEROP_ENCRYPTED_TASK_QUEUE",
    "interop-ts-encrypted",
  );
  requiredEnv("PROVISIO_CODEC_KEY_ID");
  requiredEnv("PROVISIO_CODEC_KEY_HEX");
  // The key ring: that key current, plus any PROVISIO_CODEC_DECRYPT_ONLY_KEYS.
  const codec = AesGcmCodec.fromEnv(process.env);

  Runtime.install({
    logger: new DefaultLogger("WARN"),
    // Forward the native core's logs to that logger, which writes to stderr;
    // by default core prints to stdout, where only the ready line belongs.
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
    const workflowBundle = {
      codePath: path.join(__dirname, "workflow-bundle.js"),
    };
    const plain = await Worker.create({
      connection,
      namespace,
      taskQueue,
      workflowBundle,
    });
    const encrypted = await Worker.create({
      connection,
      namespace,
      taskQueue: encryptedTaskQueue,
      workflowBundle,
      dataConverter: { payloadCodecs: [codec] },
    });
    const workers = [plain, encrypted];
    // Worker.run() resolves only at shutdown; Runtime stops every Worker on
    // SIGINT/SIGTERM. A failure of one Worker shuts the other down too.
    const running = Promise.all(
      workers.map((worker) =>
        worker.run().catch((err: unknown) => {
          for (const other of workers) {
            if (other !== worker && other.getState() === "RUNNING") {
              other.shutdown();
            }
          }
          throw err;
        }),
      ),
    );
    const ready = waitUntilRunning(workers).then((allRunning) => {
      if (allRunning) {
        process.stdout.write(`${READY_LINE}\n`);
      }
    });
    await Promise.all([running, ready]);
  } finally {
    await connection.close();
  }
}

// waitUntilRunning: true once every Worker is RUNNING (run() sets that as
// its pollers start; it has no "started" event), false if one stops first.
async function waitUntilRunning(workers: Worker[]): Promise<boolean> {
  for (;;) {
    const states = workers.map((worker) => worker.getState());
    if (states.every((state) => state === "RUNNING")) {
      return true;
    }
    if (
      states.some((state) => state !== "INITIALIZED" && state !== "RUNNING")
    ) {
      return false; // stopping or failed: run() rejects with the reason
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error("interop worker failed:", err);
    process.exit(1);
  },
);
