import { describe, expect, it } from "vitest";
import { choicesFor, profiles, regions } from "./regions";
import type { Template } from "./types";

const template = (placement?: Template["placement"]): Template =>
  ({
    name: "static-site",
    title: "Static website on S3",
    description: "",
    parameters: [],
    approval: { roles: ["cloud-approver"], count: 1, selfApproval: false },
    stateful: [],
    parameterSchema: {},
    ...(placement ? { placement } : {}),
  }) as Template;

describe("choicesFor", () => {
  it("offers the template's own placement", () => {
    expect(
      choicesFor(template({ regions: ["eu-west-1"], profiles: ["prod"] })),
    ).toEqual({ regions: ["eu-west-1"], profiles: ["prod"] });
  });
  it("falls back per list when the template leaves one out", () => {
    expect(choicesFor(template({ regions: ["eu-west-1"] }))).toEqual({
      regions: ["eu-west-1"],
      profiles,
    });
    expect(choicesFor(template())).toEqual({ regions, profiles });
    expect(choicesFor(null)).toEqual({ regions, profiles });
  });
});
