import { describe, expect, it } from "vitest";
import {
  approverChoices,
  approversOf,
  authorizerLabel,
  checkApprovers,
  keepChosen,
  whyNoAuthorizers,
} from "./authorizers";
import type { Authorizer } from "./types";

const bob: Authorizer = {
  user: "bob",
  displayName: "Bob Approver",
  roles: ["platform-admin", "cloud-approver"],
};
const erin: Authorizer = {
  user: "erin",
  displayName: "Erin",
  roles: ["dba"],
};
const frank: Authorizer = { user: "frank", displayName: "", roles: ["dba"] };

describe("authorizerLabel", () => {
  it("shows the display name and the user id", () => {
    expect(authorizerLabel(bob)).toBe("Bob Approver (bob)");
  });

  it("shows the user id alone when there is no other name", () => {
    expect(authorizerLabel(frank)).toBe("frank");
  });
});

describe("approverChoices", () => {
  it("offers everyone to a single select", () => {
    expect(approverChoices([bob, erin], [""], 0)).toEqual([bob, erin]);
  });

  it("leaves out who another select already names, but keeps a select's own choice", () => {
    const chosen = ["bob", "erin"];
    expect(approverChoices([bob, erin, frank], chosen, 0)).toEqual([
      bob,
      frank,
    ]);
    expect(approverChoices([bob, erin, frank], chosen, 1)).toEqual([
      erin,
      frank,
    ]);
  });
});

describe("keepChosen", () => {
  it("makes one empty choice per decision the policy needs", () => {
    expect(keepChosen([], [bob, erin], 2)).toEqual(["", ""]);
    expect(keepChosen([], [bob], 0)).toEqual([""]);
  });

  it("keeps a name still on offer and empties one that is not", () => {
    expect(keepChosen(["bob", "erin"], [bob, frank], 2)).toEqual(["bob", ""]);
  });

  it("keeps no duplicate and drops choices beyond the count", () => {
    expect(keepChosen(["bob", "bob"], [bob, erin], 2)).toEqual(["bob", ""]);
    expect(keepChosen(["erin", "bob"], [bob, erin], 1)).toEqual(["erin"]);
  });
});

describe("whyNoAuthorizers", () => {
  it("is empty when enough people may decide", () => {
    expect(whyNoAuthorizers([bob], 1, ["platform-admin"])).toBe("");
    expect(whyNoAuthorizers([bob, erin], 2, ["platform-admin", "dba"])).toBe(
      "",
    );
  });

  it("says nobody may authorize yet, naming the roles", () => {
    const message = whyNoAuthorizers([], 1, ["platform-admin"]);
    expect(message).toContain("Nobody may authorize this template yet");
    expect(message).toContain("platform-admin");
    expect(message).toContain("Ask an admin");
  });

  it("says when fewer people may decide than the policy needs", () => {
    expect(whyNoAuthorizers([bob], 2, ["platform-admin", "dba"])).toContain(
      "needs 2 authorizers, but only 1",
    );
  });
});

describe("checkApprovers", () => {
  it("asks for a choice", () => {
    expect(checkApprovers([""], 1)).toBe("Choose who authorizes this request.");
    expect(checkApprovers(["bob", ""], 2)).toContain("Choose 2 authorizers");
  });

  it("refuses the same person twice", () => {
    expect(checkApprovers(["bob", "bob"], 2)).toContain("different people");
  });

  it("accepts as many different people as the policy needs", () => {
    expect(checkApprovers(["bob"], 1)).toBe("");
    expect(checkApprovers(["bob", "erin"], 2)).toBe("");
  });
});

describe("approversOf", () => {
  it("sends the names chosen, in order, and no empty choice", () => {
    expect(approversOf(["erin", "bob"])).toEqual(["erin", "bob"]);
    expect(approversOf(["bob", ""])).toEqual(["bob"]);
  });
});
