import { describe, expect, it } from "vitest";
import { requestInputOf, type RequestChoices } from "./submission";

const plain: RequestChoices = {
  team: "payments",
  application: "docs",
  template: "local-site",
  parameters: { site_name: "docs" },
  chosenApprovers: ["bob"],
  waitSeconds: "",
  onFailure: "",
  applyAttempts: "",
};

describe("requestInputOf", () => {
  it("sends the named authorizer and leaves the defaults out", () => {
    expect(requestInputOf(plain)).toEqual({
      team: "payments",
      application: "docs",
      template: "local-site",
      parameters: { site_name: "docs" },
      approvers: ["bob"],
    });
  });

  it("sends every authorizer chosen, in order", () => {
    expect(
      requestInputOf({ ...plain, chosenApprovers: ["erin", "bob"] }).approvers,
    ).toEqual(["erin", "bob"]);
  });

  it("sends no approvers when none is chosen", () => {
    expect(
      requestInputOf({ ...plain, chosenApprovers: [""] }),
    ).not.toHaveProperty("approvers");
  });

  it("types the wait and the failure policy, filling the policy's default choice", () => {
    const input = requestInputOf({
      ...plain,
      waitSeconds: "8",
      applyAttempts: "1",
    });
    expect(input.authorizationTimeoutSeconds).toBe(8);
    expect(input.failurePolicy).toEqual({
      onFailure: "intervene",
      applyAttempts: 1,
    });
    expect(
      requestInputOf({ ...plain, onFailure: "rollback" }).failurePolicy,
    ).toEqual({ onFailure: "rollback" });
  });
});
