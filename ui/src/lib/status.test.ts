import { describe, expect, it } from "vitest";
import { describeStatus, isFinal } from "./status";
import { toProblem } from "./api";

describe("statuses", () => {
  it("knows which statuses are final", () => {
    expect(isFinal("PROVISIONED")).toBe(true);
    expect(isFinal("REJECTED")).toBe(true);
    expect(isFinal("NEEDS_INTERVENTION")).toBe(false);
    expect(isFinal("AWAITING_AUTHORIZATION")).toBe(false);
  });

  it("shows a status it does not know as it is", () => {
    expect(describeStatus("SOMETHING_NEW")).toMatchObject({
      label: "SOMETHING_NEW",
      final: false,
    });
  });
});

describe("toProblem", () => {
  it("keeps the API's problem and makes one of anything else", () => {
    const problem = {
      type: "urn:provisio:problem:invalid-field",
      title: "Invalid field",
      status: 400,
      detail: "parameters.site_name does not match",
      field: "parameters.site_name",
    };
    expect(toProblem(400, problem)).toEqual(problem);
    expect(toProblem(502, "<html>")).toMatchObject({
      status: 502,
      title: "The server answered 502",
    });
  });
});
