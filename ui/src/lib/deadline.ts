// When a request awaiting authorization stops waiting. Neither the state nor
// the notification carries the deadline yet, so it is worked out as the
// workflow does: from when the authorizers were asked (the notification's
// time) plus the template's approval timeout, or the platform's 120 s when
// the template names none. A request that set its own
// authorizationTimeoutSeconds is not known here: body.deadline, when the API
// adds it, wins.
import { parseDuration } from "./time";
import type { Notification } from "./types";

export const defaultAuthorizationTimeoutMs = 120_000;

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
