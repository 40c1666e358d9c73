// Pre-bundles the interop workflows into dist/workflow-bundle.js, so the
// worker starts in about a second instead of running webpack at every start.
// Run by `npm run build` after tsc.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { bundleWorkflowCode, DefaultLogger } from "@temporalio/worker";

const WORKFLOW_BUNDLE_PATH = path.join(__dirname, "workflow-bundle.js");

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve("./workflows"),
    // webpack's module listing at INFO would bury the build's own output;
    // warnings and errors still show.
    logger: new DefaultLogger("WARN"),
  });
  await writeFile(WORKFLOW_BUNDLE_PATH, code);
  console.log(`wrote ${path.relative(process.cwd(), WORKFLOW_BUNDLE_PATH)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
