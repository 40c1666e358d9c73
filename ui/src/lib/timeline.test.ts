import { describe, expect, it } from "vitest";
import { timelineOf } from "./timeline";
import type { Application } from "./types";

const application = (
  status: string,
  timeline: Application["timeline"],
): Application =>
  ({
    id: "site-1",
    version: 3,
    source: "workflow",
    state: { status } as Application["state"],
    progress: [],
    timeline,
  }) as Application;

describe("timelineOf", () => {
  const recorded = [
    { status: "VALIDATING", version: 1, at: "2026-12-07T10:00:00.100Z" },
    { status: "PLANNING", version: 2, at: "2026-12-07T10:00:00.300Z" },
    {
      status: "AWAITING_AUTHORIZATION",
      version: 3,
      at: "2026-12-07T10:00:02.000Z",
    },
  ];

  it("shows each recorded change with its recorded time", () => {
    expect(
      timelineOf(
        application("AWAITING_AUTHORIZATION", recorded),
        "2026-12-07T11:00:00Z",
      ),
    ).toEqual(recorded.map(({ status, at }) => ({ status, at })));
  });

  it("adds a status the workflow answered before it was recorded, as seen now", () => {
    const entries = timelineOf(
      application("QUEUED", recorded),
      "2026-12-07T10:00:05Z",
    );
    expect(entries).toHaveLength(4);
    expect(entries[3]).toEqual({
      status: "QUEUED",
      at: "2026-12-07T10:00:05Z",
      note: "(seen by this page)",
    });
  });

  it("shows the current status alone when nothing is recorded yet", () => {
    expect(timelineOf(application("VALIDATING", []), "t")).toEqual([
      { status: "VALIDATING", at: "t", note: "(seen by this page)" },
    ]);
  });
});
