import { describe, expect, it } from "vitest";
import { follow, type Reader } from "./follow";
import type { Application, Status } from "./types";

function application(version: number, status: Status): Application {
  return {
    id: "a-1",
    version,
    source: "workflow",
    progress: [],
    timeline: [],
    state: {
      status,
      version,
      applicationId: "a-1",
      requester: "alice",
      team: "payments",
      template: "local-site",
      planSummary: [],
      approvals: [],
      outputs: {},
      rounds: 0,
    },
  };
}

// A scripted server: each call answers the next scripted application (or
// throws the scripted error) and records the cursor it was asked with.
function scripted(answers: Array<Application | Error>) {
  const cursors: Array<number | undefined> = [];
  const read: Reader = async (_id, waitAfterVersion) => {
    cursors.push(waitAfterVersion);
    const next = answers.shift();
    if (!next) throw new Error("no more answers");
    if (next instanceof Error) throw next;
    return next;
  };
  return { read, cursors };
}

describe("follow", () => {
  it("passes each answer's version as the next cursor and stops at a final status", async () => {
    const server = scripted([
      application(1, "PLANNING"),
      application(3, "AWAITING_AUTHORIZATION"),
      application(3, "AWAITING_AUTHORIZATION"),
      application(7, "PROVISIONED"),
    ]);
    const seen: string[] = [];
    await follow(
      "a-1",
      server.read,
      (next) => seen.push(next.state.status),
      new AbortController().signal,
    );
    expect(server.cursors).toEqual([undefined, 1, 3, 3]);
    expect(seen).toEqual(["PLANNING", "AWAITING_AUTHORIZATION", "PROVISIONED"]);
  });

  it("tries again after a failed read when onError allows", async () => {
    const server = scripted([
      application(1, "PLANNING"),
      new Error("down"),
      application(2, "REJECTED"),
    ]);
    const errors: unknown[] = [];
    const seen: number[] = [];
    await follow(
      "a-1",
      server.read,
      (next) => seen.push(next.version),
      new AbortController().signal,
      {
        onError: (error) => {
          errors.push(error);
        },
        sleep: async () => {},
      },
    );
    expect(errors).toHaveLength(1);
    expect(seen).toEqual([1, 2]);
  });

  it("stops when onError answers false, and when aborted", async () => {
    const failing = scripted([new Error("gone")]);
    await follow("a-1", failing.read, () => {}, new AbortController().signal, {
      onError: () => false,
    });
    expect(failing.cursors).toEqual([undefined]);

    const controller = new AbortController();
    const server = scripted([
      application(1, "PLANNING"),
      application(2, "PLANNING"),
    ]);
    await follow(
      "a-1",
      server.read,
      () => controller.abort(),
      controller.signal,
    );
    expect(server.cursors).toEqual([undefined]);
  });
});
