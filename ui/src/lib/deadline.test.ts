import { describe, expect, it } from "vitest";
import { authorizationDeadline } from "./deadline";
import type { Notification } from "./types";

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
