import { describe, expect, it } from "vitest";
import { authorizationDeadline, stateDeadline } from "./deadline";
import type { Notification, RequestState } from "./types";

const asked: Notification = {
  id: "site-1/authorization/1",
  kind: "authorization_requested",
  workflowId: "site-1",
  subject: "alice requests static-site",
  body: { planHash: "h", team: "payments" },
  createdAt: "2026-12-07T20:00:00Z",
};

describe("authorizationDeadline", () => {
  it("adds the template's approval timeout to when the authorizers were asked", () => {
    expect(authorizationDeadline(asked, "2h")).toBe("2026-12-07T22:00:00.000Z");
  });

  it("uses the platform's 120 s when the template names none", () => {
    expect(authorizationDeadline(asked, undefined)).toBe(
      "2026-12-07T20:02:00.000Z",
    );
  });

  it("prefers a deadline the notification carries", () => {
    const carried = { ...asked, body: { deadline: "2026-12-07T20:00:30Z" } };
    expect(authorizationDeadline(carried, "2h")).toBe("2026-12-07T20:00:30Z");
  });
});

const awaiting: RequestState = {
  status: "AWAITING_AUTHORIZATION",
  version: 3,
  applicationId: "site-1",
  requester: "alice",
  team: "payments",
  template: "static-site",
  planSummary: [],
  approvers: ["bob"],
  authorizationDeadline: "2026-12-07T20:05:00Z",
  approvals: [],
  outputs: {},
  rounds: 1,
};

describe("stateDeadline", () => {
  it("is the state's deadline while the request awaits a decision", () => {
    expect(stateDeadline(awaiting)).toBe("2026-12-07T20:05:00Z");
  });

  it("is nothing once the request no longer waits, or before the API sends it", () => {
    expect(stateDeadline({ ...awaiting, status: "PROVISIONING" })).toBe(
      undefined,
    );
    expect(
      stateDeadline({ ...awaiting, authorizationDeadline: undefined }),
    ).toBe(undefined);
  });
});
