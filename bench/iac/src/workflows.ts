/**
 * The benchmark's one workflow: calls one runner activity on task queue
 * iac-opentofu through the real server and returns its result, as the
 * platform's workflows will (the same options as the runner's test
 * workflow, but a single attempt: a benchmark run that fails should fail).
 */
import { proxyActivities } from "@temporalio/workflow";

export interface CallRunnerRequest {
  activity: "plan" | "apply";
  input: unknown;
}

export async function callRunner(request: CallRunnerRequest): Promise<unknown> {
  const activities = proxyActivities<
    Record<string, (input: unknown) => Promise<unknown>>
  >({
    taskQueue: "iac-opentofu",
    startToCloseTimeout: "30 minutes",
    heartbeatTimeout: "30 seconds",
    retry: { maximumAttempts: 1 },
  });
  return activities[request.activity](request.input);
}
