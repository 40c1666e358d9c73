/**
 * The activities the C++ interop worker registers, as the TypeScript
 * workflows call them. The property names are the activity type names and
 * must match the C++ registrations exactly.
 */
export interface CppActivities {
  /** Concat returns a + b. */
  Concat(a: string, b: string): Promise<string>;
  /** Add returns a + b. */
  Add(a: number, b: number): Promise<number>;
  /** MakeRecord returns {name, size}. */
  MakeRecord(
    name: string,
    size: number,
  ): Promise<{ name: string; size: number }>;
  /** Bytes returns 0xdeadbeef as binary/plain. */
  Bytes(): Promise<Uint8Array>;
  /** Nothing returns binary/null. */
  Nothing(): Promise<undefined>;
  /** FailNonRetryable fails with a non-retryable ApplicationFailure. */
  FailNonRetryable(message: string): Promise<never>;
  /** FlakyUntilThird fails on attempts 1 and 2, returns the attempt it succeeded on. */
  FlakyUntilThird(): Promise<number>;
  /** HeartbeatThenFailOnce heartbeats details, fails its first attempt, and reports what the retry saw. */
  HeartbeatThenFailOnce(): Promise<unknown>;
  /** WaitForCancel heartbeats until it is cancelled. */
  WaitForCancel(): Promise<void>;
  /** StopHeartbeating heartbeats once, then goes silent until its heartbeat times out. */
  StopHeartbeating(): Promise<void>;
  /** NoSuchActivity is deliberately not registered in C++. */
  NoSuchActivity(): Promise<unknown>;
}
