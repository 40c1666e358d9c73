// Pre-bundles test/workflows.ts into dist/test/workflow-bundle.js at build
// time, so each test file's worker starts in about a second.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { bundleWorkflowCode, DefaultLogger } from "@temporalio/worker";

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve("./workflows"),
    logger: new DefaultLogger("WARN"),
  });
  await writeFile(path.join(__dirname, "workflow-bundle.js"), code);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
