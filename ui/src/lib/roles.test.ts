import { describe, expect, it } from "vitest";
import {
  isAdmin,
  isOperator,
  mayDecideSomething,
  whyNotAuthorizer,
} from "./roles";
import { outcomeOfState } from "./outcome";
import type { RequestState, Session } from "./types";

function session(user: string, roles: string[]): Session {
  return {
    user,
    displayName: user,
    email: "",
    roles,
    teams: [],
    csrfToken: "t",
    expiresAt: "",
  };
}

const awaiting: RequestState = {
  status: "AWAITING_AUTHORIZATION",
  version: 3,
  applicationId: "site-1",
  requester: "alice",
  team: "payments",
  template: "static-site",
  planSummary: [],
  policy: {
    roles: ["platform-admin", "cloud-approver"],
    count: 1,
    selfApproval: false,
  },
  approvals: [],
  outputs: {},
  rounds: 1,
};

describe("whyNotAuthorizer", () => {
  it("lets a holder of a policy role decide", () => {
    expect(whyNotAuthorizer(session("bob", ["cloud-approver"]), awaiting)).toBe(
      "",
    );
  });

  it("refuses the requester unless the policy allows self-approval", () => {
    const alice = session("alice", ["platform-admin"]);
    expect(whyNotAuthorizer(alice, awaiting)).toContain("You requested this");
    expect(
      whyNotAuthorizer(alice, {
        ...awaiting,
        policy: { ...awaiting.policy!, selfApproval: true },
      }),
    ).toBe("");
  });

  it("lets only the named authorizers decide when the requester named some", () => {
    const named = { ...awaiting, approvers: ["dave"] };
    expect(
      whyNotAuthorizer(session("bob", ["cloud-approver"]), named),
    ).toContain("you are not one of them");
    expect(whyNotAuthorizer(session("dave", ["platform-admin"]), named)).toBe(
      "",
    );
    expect(
      whyNotAuthorizer(session("bob", ["cloud-approver"]), {
        ...awaiting,
        approvers: [],
      }),
    ).toBe("");
  });

  it("names the roles needed", () => {
    expect(
      whyNotAuthorizer(session("carol", ["operator"]), awaiting),
    ).toContain("platform-admin, cloud-approver");
  });
});

describe("role checks", () => {
  it("tells operators, admins and authorizers apart", () => {
    expect(isOperator(session("carol", ["operator"]))).toBe(true);
    expect(isAdmin(session("carol", ["operator"]))).toBe(false);
    expect(mayDecideSomething(session("carol", ["operator"]))).toBe(false);
    expect(mayDecideSomething(session("bob", ["platform-admin"]))).toBe(true);
    expect(isOperator(null)).toBe(false);
  });
});

describe("outcomeOfState", () => {
  it("names what became of a request for the user who looks", () => {
    expect(outcomeOfState(awaiting, "bob")).toBeNull();
    expect(
      outcomeOfState({ ...awaiting, status: "AUTHORIZATION_TIMED_OUT" }, "bob"),
    ).toBe("timed-out");
    const decided = {
      ...awaiting,
      status: "PROVISIONING" as const,
      approvals: [
        { user: "dave", decision: "approve", planHash: "h", decidedAt: "" },
      ],
    };
    expect(outcomeOfState(decided, "bob")).toBe("decided-elsewhere");
    expect(outcomeOfState(decided, "dave")).toBe("approved");
  });
});
