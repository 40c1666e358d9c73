/**
 * The official TypeScript client sending updates to a C++ workflow, for the
 * C++ test tests/interop/update_interop_test.cc (docs/interop.md).
 *
 *   node dist/update-client.js WORKFLOW_ID
 *
 * TEMPORAL_ADDRESS (host:port, required) and TEMPORAL_NAMESPACE (default
 * "default") say where the server is. The workflow's "deposit" update takes a
 * number; its validator refuses amounts that are not positive. Prints one JSON
 * object on stdout with what the client saw:
 *   accepted     the result of deposit(5)
 *   rejected     the failure message of deposit(-2)
 *   dedupFirst   the result of deposit(7) with update id "ts-dedup"
 *   dedupSecond  the result of deposit(100) with the same update id
 * Exits non-zero, with the error on stderr, when a step does not behave so.
 */
import {
  Client,
  Connection,
  WorkflowUpdateFailedError,
  WorkflowUpdateStage,
} from "@temporalio/client";

async function main(): Promise<void> {
  const workflowId = process.argv[2];
  const address = process.env.TEMPORAL_ADDRESS;
  if (!workflowId || !address) {
    throw new Error(
      "usage: TEMPORAL_ADDRESS=host:port node dist/update-client.js WORKFLOW_ID",
    );
  }
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({
      connection,
      namespace: process.env.TEMPORAL_NAMESPACE || "default",
      identity: "ts-interop-client",
    });
    const handle = client.workflow.getHandle(workflowId);

    const accepted = await handle.executeUpdate<string, [number]>("deposit", {
      args: [5],
    });

    let rejected: string;
    try {
      await handle.executeUpdate<string, [number]>("deposit", { args: [-2] });
      throw new Error(
        "deposit(-2) was accepted; the C++ validator should have rejected it",
      );
    } catch (error) {
      if (!(error instanceof WorkflowUpdateFailedError)) throw error;
      rejected = error.cause?.message ?? "(no cause)";
    }

    const first = await handle.startUpdate<string, [number]>("deposit", {
      args: [7],
      updateId: "ts-dedup",
      waitForStage: WorkflowUpdateStage.ACCEPTED,
    });
    const dedupFirst = await first.result();
    const second = await handle.startUpdate<string, [number]>("deposit", {
      args: [100],
      updateId: "ts-dedup",
      waitForStage: WorkflowUpdateStage.ACCEPTED,
    });
    const dedupSecond = await second.result();

    process.stdout.write(
      JSON.stringify({ accepted, rejected, dedupFirst, dedupSecond }) + "\n",
    );
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `update-client: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
