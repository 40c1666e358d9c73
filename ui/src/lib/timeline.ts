// The request page's timeline: the status changes the API recorded, each
// with its time. The workflow's own answer may be a step ahead of what was
// recorded; that newest status is shown with the time this page saw it.
import type { Application } from "./types";

export interface TimelineEntry {
  status: string;
  at: string;
  note?: string;
}

export function timelineOf(
  application: Application,
  seenAt: string,
): TimelineEntry[] {
  const entries: TimelineEntry[] = application.timeline.map((change) => ({
    status: change.status,
    at: change.at,
  }));
  const current = application.state.status;
  if (entries.at(-1)?.status !== current) {
    entries.push({ status: current, at: seenAt, note: "(seen by this page)" });
  }
  return entries;
}
