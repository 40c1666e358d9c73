// Workflows that end in each of the ways other than completing with a value:
// cancelled, failed, continued as new.
import { ApplicationFailure, continueAsNew, sleep } from "@temporalio/workflow";

/**
 * waitForCancellation sleeps a day. Cancelling it rejects the sleep with a
 * CancelledFailure, which is left to propagate so the workflow ends CANCELED.
 */
export async function waitForCancellation(): Promise<void> {
  await sleep("1 day");
}

/** failWith fails the workflow with an ApplicationFailure built from its arguments. */
export async function failWith(
  type: string,
  message: string,
  nonRetryable: boolean,
  details: unknown,
): Promise<never> {
  throw ApplicationFailure.create({
    type,
    message,
    nonRetryable,
    details: [details],
  });
}

/**
 * continueAsNewCounter continues as new `remaining` times, counting up, and
 * returns the count reached.
 */
export async function continueAsNewCounter(
  remaining: number,
  count: number,
): Promise<number> {
  if (remaining > 0) {
    await continueAsNew<typeof continueAsNewCounter>(remaining - 1, count + 1);
  }
  return count;
}
