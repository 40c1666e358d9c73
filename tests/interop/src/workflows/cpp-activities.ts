// Workflows that call activities implemented in C++, on the task queue given
// as their first argument, and report what the TypeScript SDK saw.
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  sleep,
  TimeoutFailure,
} from "@temporalio/workflow";
import type { CppActivities } from "../cpp-activities";
import { toHex } from "./hex";

/** callCppActivities calls each value-returning C++ activity once. */
export async function callCppActivities(taskQueue: string): Promise<{
  concat: string;
  add: number;
  record: { name: string; size: number };
  bytesHex: string;
  nothingIsUndefined: boolean;
}> {
  const { Concat, Add, MakeRecord, Bytes, Nothing } =
    proxyActivities<CppActivities>({
      taskQueue,
      startToCloseTimeout: "10s",
    });
  return {
    concat: await Concat("a", "b"),
    add: await Add(2, 3),
    record: await MakeRecord("db", 3),
    bytesHex: toHex(await Bytes()),
    nothingIsUndefined: (await Nothing()) === undefined,
  };
}

/** cppNonRetryable reports the ApplicationFailure a non-retryable C++ failure arrives as. */
export async function cppNonRetryable(taskQueue: string): Promise<{
  causeType: string | undefined | null;
  causeMessage: string;
  nonRetryable: boolean | undefined | null;
  details: unknown[] | undefined | null;
}> {
  const { FailNonRetryable } = proxyActivities<CppActivities>({
    taskQueue,
    startToCloseTimeout: "10s",
    retry: { maximumAttempts: 5, initialInterval: "100ms" },
  });
  try {
    await FailNonRetryable("boom");
  } catch (err) {
    if (
      err instanceof ActivityFailure &&
      err.cause instanceof ApplicationFailure
    ) {
      return {
        causeType: err.cause.type,
        causeMessage: err.cause.message,
        nonRetryable: err.cause.nonRetryable,
        details: err.cause.details,
      };
    }
    throw err;
  }
  throw ApplicationFailure.nonRetryable("FailNonRetryable did not fail");
}

/** cppRetryUntilThird returns the attempt on which FlakyUntilThird succeeded. */
export async function cppRetryUntilThird(taskQueue: string): Promise<number> {
  const { FlakyUntilThird } = proxyActivities<CppActivities>({
    taskQueue,
    startToCloseTimeout: "10s",
    retry: {
      initialInterval: "100ms",
      backoffCoefficient: 1,
      maximumAttempts: 5,
    },
  });
  return await FlakyUntilThird();
}

/** cppHeartbeatDetailsSurviveRetry returns what HeartbeatThenFailOnce returns on its retry. */
export async function cppHeartbeatDetailsSurviveRetry(
  taskQueue: string,
): Promise<unknown> {
  const { HeartbeatThenFailOnce } = proxyActivities<CppActivities>({
    taskQueue,
    startToCloseTimeout: "10s",
    heartbeatTimeout: "5s",
    retry: { initialInterval: "100ms", maximumAttempts: 3 },
  });
  return await HeartbeatThenFailOnce();
}

/**
 * cppCancelActivity starts WaitForCancel, cancels it a second later, waits
 * for the C++ side to acknowledge the cancellation, and reports the failure.
 */
export async function cppCancelActivity(taskQueue: string): Promise<{
  cancelled: boolean;
  failureName: string | null;
  causeName: string | null;
}> {
  const { WaitForCancel } = proxyActivities<CppActivities>({
    taskQueue,
    startToCloseTimeout: "60s",
    heartbeatTimeout: "2s",
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  try {
    await CancellationScope.cancellable(async () => {
      const activity = WaitForCancel();
      // Handle an early failure now so that it is not an unhandled rejection
      // while we sleep; `await activity` below still throws it.
      activity.catch(() => undefined);
      await sleep("1s");
      CancellationScope.current().cancel();
      await activity;
    });
  } catch (err) {
    const failure = err as { name?: string; cause?: { name?: string } };
    return {
      cancelled: isCancellation(err),
      failureName: failure.name ?? null,
      causeName: failure.cause?.name ?? null,
    };
  }
  return { cancelled: false, failureName: null, causeName: null };
}

/** cppHeartbeatTimeout reports the TimeoutFailure of an activity that stopped heartbeating. */
export async function cppHeartbeatTimeout(taskQueue: string): Promise<{
  timeoutType: TimeoutFailure["timeoutType"];
  lastHeartbeatDetails: unknown;
}> {
  const { StopHeartbeating } = proxyActivities<CppActivities>({
    taskQueue,
    startToCloseTimeout: "30s",
    heartbeatTimeout: "1s",
    retry: { maximumAttempts: 1 },
  });
  try {
    await StopHeartbeating();
  } catch (err) {
    if (err instanceof ActivityFailure && err.cause instanceof TimeoutFailure) {
      return {
        timeoutType: err.cause.timeoutType,
        lastHeartbeatDetails: err.cause.lastHeartbeatDetails,
      };
    }
    throw err;
  }
  throw ApplicationFailure.nonRetryable("StopHeartbeating did not time out");
}

/** cppUnknownActivity reports how the C++ worker fails an activity type it does not have. */
export async function cppUnknownActivity(taskQueue: string): Promise<{
  causeType: string | null;
  causeMessage: string | null;
}> {
  const { NoSuchActivity } = proxyActivities<CppActivities>({
    taskQueue,
    startToCloseTimeout: "10s",
    retry: { maximumAttempts: 1 },
  });
  try {
    await NoSuchActivity();
  } catch (err) {
    const cause = (
      err as { cause?: { type?: string | null; message?: string } }
    ).cause;
    return {
      causeType: cause?.type ?? null,
      causeMessage: cause?.message ?? null,
    };
  }
  throw ApplicationFailure.nonRetryable("NoSuchActivity did not fail");
}

/** Options runCppActivity passes through to the activity (durations as strings). */
export interface RunCppActivityOptions {
  startToCloseTimeout?: string;
  heartbeatTimeout?: string;
  maximumAttempts?: number;
  initialInterval?: string;
}

/**
 * runCppActivity calls any C++ activity by type name with the given arguments
 * and returns its result, letting a failure fail the workflow. The C++ tests use
 * it for scenarios that need no TypeScript-side inspection (async completion,
 * worker shutdown).
 */
export async function runCppActivity(
  taskQueue: string,
  activityType: string,
  args: unknown[],
  options: RunCppActivityOptions = {},
): Promise<unknown> {
  const activities = proxyActivities<
    Record<string, (...a: unknown[]) => Promise<unknown>>
  >({
    taskQueue,
    startToCloseTimeout: options.startToCloseTimeout ?? "30s",
    heartbeatTimeout: options.heartbeatTimeout,
    retry: {
      maximumAttempts: options.maximumAttempts ?? 1,
      initialInterval: options.initialInterval ?? "100ms",
    },
  });
  return await activities[activityType](...args);
}
