import { describe, expect, it } from "vitest";
import { matchRoute, paths, safeNext } from "./routes";

describe("matchRoute", () => {
  it("finds each page and its parameters", () => {
    expect(matchRoute("/")).toEqual({ name: "home", params: {} });
    expect(matchRoute("/requests/new").name).toBe("new-request");
    expect(matchRoute("/requests/docs-abc")).toEqual({
      name: "request",
      params: { id: "docs-abc" },
    });
    expect(matchRoute("/requests/docs-abc/authorize")).toEqual({
      name: "authorize",
      params: { id: "docs-abc" },
    });
    expect(matchRoute("/stacks/site%2Fone")).toEqual({
      name: "stack",
      params: { name: "site/one" },
    });
  });

  it("ignores a trailing slash and calls unknown paths not-found", () => {
    expect(matchRoute("/inbox/").name).toBe("inbox");
    expect(matchRoute("/nowhere").name).toBe("not-found");
    expect(matchRoute("/requests/a/b/c").name).toBe("not-found");
  });

  it("builds paths that match back", () => {
    expect(matchRoute(paths.authorize("x-1")).params.id).toBe("x-1");
    expect(paths.decision("x-1", "approved")).toBe(
      "/requests/x-1/decision?outcome=approved",
    );
  });
});

describe("safeNext", () => {
  it("keeps only this app's own paths", () => {
    expect(safeNext("/requests/a")).toBe("/requests/a");
    expect(safeNext("//evil.example/x")).toBe("/");
    expect(safeNext("https://evil.example/")).toBe("/");
    expect(safeNext("/api/session")).toBe("/");
    expect(safeNext(null)).toBe("/");
  });
});
