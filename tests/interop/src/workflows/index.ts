// The interop workflows. Each exported function's name is its workflow type
// name, which the C++ interop tests call: never rename one.
export { echoValue, describeValue } from "./values";
export type { ValueDescription, ValueKind } from "./values";
export { signalsQueriesUpdates } from "./signals-queries-updates";
export {
  waitForCancellation,
  failWith,
  continueAsNewCounter,
} from "./lifecycle";
export {
  callCppActivities,
  cppNonRetryable,
  cppRetryUntilThird,
  cppHeartbeatDetailsSurviveRetry,
  cppCancelActivity,
  cppHeartbeatTimeout,
  cppUnknownActivity,
  runCppActivity,
} from "./cpp-activities";
