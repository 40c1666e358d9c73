import { describe, expect, it } from "vitest";
import { workflowUrl } from "./temporal";

const here = { protocol: "http:", hostname: "10.0.0.5" };

describe("workflowUrl", () => {
  it("uses the Web UI the session names, with its namespace", () => {
    expect(
      workflowUrl(
        "docs-site/eu west",
        { temporalUiUrl: "http://127.0.0.1:48791", temporalNamespace: "prod" },
        here,
      ),
    ).toBe(
      "http://127.0.0.1:48791/namespaces/prod/workflows/docs-site%2Feu%20west",
    );
  });
  it("falls back to port 8233 of this host and the default namespace", () => {
    expect(workflowUrl("abc", null, here)).toBe(
      "http://10.0.0.5:8233/namespaces/default/workflows/abc",
    );
  });
});
