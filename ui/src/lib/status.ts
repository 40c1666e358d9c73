// What each request status means to a person, and which ones are final.
import type { Status } from "./types";

export type Tone =
  "neutral" | "waiting" | "working" | "success" | "danger" | "warning";

interface StatusInfo {
  label: string;
  tone: Tone;
  final: boolean;
  explanation: string;
}

export const statusInfo: Record<Status, StatusInfo> = {
  VALIDATING: {
    label: "Validating",
    tone: "working",
    final: false,
    explanation: "The request's parameters and template are being checked.",
  },
  PLANNING: {
    label: "Planning",
    tone: "working",
    final: false,
    explanation: "OpenTofu is working out what would change.",
  },
  AWAITING_AUTHORIZATION: {
    label: "Awaiting authorization",
    tone: "waiting",
    final: false,
    explanation: "The plan waits for an authorizer's decision.",
  },
  QUEUED: {
    label: "Queued",
    tone: "waiting",
    final: false,
    explanation: "Approved; waiting for the stack's turn.",
  },
  PROVISIONING: {
    label: "Provisioning",
    tone: "working",
    final: false,
    explanation: "The approved plan is being applied.",
  },
  PROVISIONED: {
    label: "Provisioned",
    tone: "success",
    final: true,
    explanation: "Everything in the plan was created.",
  },
  REJECTED: {
    label: "Rejected",
    tone: "danger",
    final: true,
    explanation: "An authorizer rejected the request.",
  },
  AUTHORIZATION_TIMED_OUT: {
    label: "Timed out",
    tone: "danger",
    final: true,
    explanation: "No decision came before the deadline.",
  },
  NEEDS_INTERVENTION: {
    label: "Needs intervention",
    tone: "warning",
    final: false,
    explanation: "The apply failed; an operator must choose what to do.",
  },
  ROLLED_BACK: {
    label: "Rolled back",
    tone: "danger",
    final: true,
    explanation: "The apply failed and what it did was undone.",
  },
  FAILED: {
    label: "Failed",
    tone: "danger",
    final: true,
    explanation: "The request failed.",
  },
  CANCELLED: {
    label: "Cancelled",
    tone: "neutral",
    final: true,
    explanation: "The request was cancelled and what it applied destroyed.",
  },
  DESTROYED: {
    label: "Destroyed",
    tone: "neutral",
    final: true,
    explanation: "The resources were destroyed.",
  },
};

/** describeStatus tolerates a status this UI does not know yet. */
export function describeStatus(status: string): StatusInfo {
  return (
    statusInfo[status as Status] ?? {
      label: status,
      tone: "neutral",
      final: false,
      explanation: "",
    }
  );
}

export function isFinal(status: string): boolean {
  return describeStatus(status).final;
}
