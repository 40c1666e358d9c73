// What a signed-in user may be offered. The API checks every call again; the
// UI only leaves out what would be refused.
import type { RequestState, Session } from "./types";

export const operatorRoles = ["operator", "admin"];

/** isOperator: operators and admins see every request, stacks and the audit trail. */
export function isOperator(session: Session | null): boolean {
  return (
    !!session && session.roles.some((role) => operatorRoles.includes(role))
  );
}

export function isAdmin(session: Session | null): boolean {
  return !!session && session.roles.includes("admin");
}

/** mayDecideSomething: holders of any other role are authorizers of some template. */
export function mayDecideSomething(session: Session | null): boolean {
  return (
    !!session && session.roles.some((role) => !operatorRoles.includes(role))
  );
}

/**
 * whyNotAuthorizer says why `session` may not decide `state`, or "" when they
 * may (the API's order: awaiting authorization is checked by the page).
 */
export function whyNotAuthorizer(
  session: Session,
  state: RequestState,
): string {
  const policy = state.policy;
  if (!policy) return "This request has no approval policy yet.";
  if (state.requester === session.user && !policy.selfApproval) {
    return "You requested this, and its policy does not let requesters approve their own requests.";
  }
  if (!session.roles.some((role) => policy.roles.includes(role))) {
    return `Deciding this request needs one of the roles ${policy.roles.join(", ")}; you have ${
      session.roles.length ? session.roles.join(", ") : "none"
    }.`;
  }
  const named = state.approvers ?? [];
  if (named.length && !named.includes(session.user)) {
    return `The requester named who decides this request (${named.join(", ")}); you are not one of them.`;
  }
  return "";
}
