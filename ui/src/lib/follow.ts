// Following a request live: long-polls GET /api/applications/{id}
// ?waitAfterVersion=N, each answer's version the next call's cursor. The API
// holds each call until something changes (or 30 s), so this loop sends about
// one request per change and never busy-polls.
import type { Application } from "./types";
import { isFinal } from "./status";

export type Reader = (
  id: string,
  waitAfterVersion: number | undefined,
  signal: AbortSignal,
) => Promise<Application>;

export interface FollowOptions {
  /** stopWhenFinal: end the loop once the request reached a final status (default true). */
  stopWhenFinal?: boolean;
  /** onError: a failed read; the loop waits `retryMs` and goes on unless it answers false. */
  onError?: (error: unknown) => boolean | void;
  retryMs?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * follow calls `onUpdate` with the request now and after each change, until
 * `signal` aborts, the request is final, or `onError` answers false.
 * An answer whose version did not grow (the wait timed out) is not reported.
 */
export async function follow(
  id: string,
  read: Reader,
  onUpdate: (application: Application) => void,
  signal: AbortSignal,
  options: FollowOptions = {},
): Promise<void> {
  const stopWhenFinal = options.stopWhenFinal ?? true;
  const sleep = options.sleep ?? abortableSleep;
  let version: number | undefined = undefined;
  while (!signal.aborted) {
    try {
      const application = await read(id, version, signal);
      if (signal.aborted) return;
      if (version === undefined || application.version > version) {
        version = application.version;
        onUpdate(application);
      }
      if (stopWhenFinal && isFinal(application.state.status)) return;
    } catch (error) {
      if (signal.aborted) return;
      if (options.onError?.(error) === false) return;
      await sleep(options.retryMs ?? 3000, signal);
    }
  }
}
