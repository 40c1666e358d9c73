/**
 * The test workflows: each calls one runner activity on task queue
 * iac-opentofu through the real server, with the timeouts and retry policy
 * the test asks for, as the platform's C++ workflows will.
 */
import {
  ActivityCancellationType,
  proxyActivities,
} from "@temporalio/workflow";
import type { RunnerActivities } from "../src/activities";

export interface CallRunnerRequest {
  activity: keyof RunnerActivities;
  input: unknown;
  /** Heartbeat timeout in ms (default 10 s). */
  heartbeatTimeoutMs?: number;
  /** Attempts in all (default 3). */
  maximumAttempts?: number;
}

/** callRunner: runs one runner activity and returns its result. */
export async function callRunner(request: CallRunnerRequest): Promise<unknown> {
  const activities = proxyActivities<
    Record<string, (input: unknown) => Promise<unknown>>
  >({
    taskQueue: "iac-opentofu",
    startToCloseTimeout: "10 minutes",
    heartbeatTimeout: request.heartbeatTimeoutMs ?? 10_000,
    retry: {
      initialInterval: "500 ms",
      backoffCoefficient: 1,
      maximumAttempts: request.maximumAttempts ?? 3,
    },
    // A cancelled workflow waits for the activity to stop tofu cleanly.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  return activities[request.activity](request.input);
}
