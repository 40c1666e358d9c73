import {
  allHandlersFinished,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  setHandler,
} from "@temporalio/workflow";

/** Signal `add`: adds n to the total. */
export const addSignal = defineSignal<[number]>("add");
/** Signal `finish`: makes signalsQueriesUpdates return the total. */
export const finishSignal = defineSignal<[]>("finish");
/** Query `total`: the current total. */
export const totalQuery = defineQuery<number>("total");
/** Update `setTotal`: sets the total, returns the previous one; refuses n < 0. */
export const setTotalUpdate = defineUpdate<number, [number]>("setTotal");

/**
 * signalsQueriesUpdates keeps a total that signals, a query and an update
 * act on, and returns it once `finish` arrives.
 */
export async function signalsQueriesUpdates(): Promise<number> {
  let total = 0;
  let finished = false;
  setHandler(addSignal, (n: number) => {
    total += n;
  });
  setHandler(finishSignal, () => {
    finished = true;
  });
  setHandler(totalQuery, () => total);
  setHandler(
    setTotalUpdate,
    (n: number) => {
      const previous = total;
      total = n;
      return previous;
    },
    {
      validator: (n: number) => {
        if (n < 0) {
          throw new Error("negative totals are not allowed");
        }
      },
    },
  );
  // Signals are applied in the order they arrive, within one activation too,
  // so every `add` sent before `finish` is in the total by now. Waiting for
  // allHandlersFinished also lets an accepted update complete first.
  await condition(() => finished && allHandlersFinished());
  return total;
}
