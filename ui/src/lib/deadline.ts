// When a request awaiting authorization stops waiting. The request's state
// carries it (`authorizationDeadline`, while AWAITING_AUTHORIZATION) and so
// does the notification that asked the authorizers (`body.deadline`): a page
// that has the state uses the state's; the inbox, which has only the
// notification, uses its body.deadline. A notification recorded before the
// API added body.deadline falls back to what the workflow does: when the
// authorizers were asked (the notification's time) plus the template's
// approval timeout, or the platform's 120 s when the template names none
// (wrong for a request that set its own authorizationTimeoutSeconds).
import { parseDuration } from "./time";
import type { Notification, RequestState } from "./types";

export const defaultAuthorizationTimeoutMs = 120_000;

/** stateDeadline is the deadline of a request awaiting a decision, or undefined. */
export function stateDeadline(state: RequestState): string | undefined {
  return state.status === "AWAITING_AUTHORIZATION"
    ? state.authorizationDeadline
    : undefined;
}

/** authorizationDeadline is the deadline an authorization_requested notification names. */
export function authorizationDeadline(
  notification: Notification,
  templateTimeout: string | undefined,
): string {
  const given = notification.body?.deadline;
  if (typeof given === "string") return given;
  const wait = parseDuration(templateTimeout) ?? defaultAuthorizationTimeoutMs;
  return new Date(
    new Date(notification.createdAt).getTime() + wait,
  ).toISOString();
}
