// Links to the Temporal Web UI's page of a workflow. scripts/run serves the
// Web UI on port 8233 of the same host; a deployment elsewhere sets
// VITE_TEMPORAL_UI_URL (and VITE_TEMPORAL_NAMESPACE) at build time.

const configured = import.meta.env?.VITE_TEMPORAL_UI_URL as string | undefined;
const namespace =
  (import.meta.env?.VITE_TEMPORAL_NAMESPACE as string | undefined) ?? "default";

export function temporalUiBase(location: {
  protocol: string;
  hostname: string;
}): string {
  return configured ?? `${location.protocol}//${location.hostname}:8233`;
}

/** workflowUrl is the Web UI's page of the workflow `workflowId`. */
export function workflowUrl(
  workflowId: string,
  location: { protocol: string; hostname: string } = window.location,
): string {
  return `${temporalUiBase(location)}/namespaces/${encodeURIComponent(
    namespace,
  )}/workflows/${encodeURIComponent(workflowId)}`;
}
