// The result pages after an authorization: what became of the request.
import type { RequestState } from "./types";

export type Outcome =
  "approved" | "rejected" | "timed-out" | "decided-elsewhere";

/**
 * outcomeOfState names a request's outcome for `user` once it no longer
 * awaits authorization, or null while it does (or before it got there).
 */
export function outcomeOfState(
  state: RequestState,
  user: string,
): Outcome | null {
  if (
    ["VALIDATING", "PLANNING", "AWAITING_AUTHORIZATION"].includes(state.status)
  )
    return null;
  if (state.status === "AUTHORIZATION_TIMED_OUT") return "timed-out";
  const mine = state.approvals.find((decision) => decision.user === user);
  if (mine) return mine.decision === "approve" ? "approved" : "rejected";
  return "decided-elsewhere";
}

export const outcomeWords: Record<Outcome, { title: string; text: string }> = {
  approved: {
    title: "Approved",
    text: "Your approval was recorded. The plan is applied when the stack's turn comes.",
  },
  rejected: {
    title: "Rejected",
    text: "Your rejection was recorded; the requester sees it with your reason.",
  },
  "timed-out": {
    title: "Timed out",
    text: "No decision came before the deadline; the request ended without changing anything.",
  },
  "decided-elsewhere": {
    title: "Already decided",
    text: "Someone else decided this request before you.",
  },
};
