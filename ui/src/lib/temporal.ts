// Links to the Temporal Web UI's page of a workflow. The API's session says
// where the Web UI is (PROVISIO_TEMPORAL_UI_ORIGIN, which scripts/run sets to
// the dev server's Web UI); without it, VITE_TEMPORAL_UI_URL from the build,
// else port 8233 of this host (the dev server's default).

const configured = import.meta.env?.VITE_TEMPORAL_UI_URL as string | undefined;
const configuredNamespace =
  (import.meta.env?.VITE_TEMPORAL_NAMESPACE as string | undefined) ?? "default";

/** FromSession is what the signed-in session says about the Web UI. */
export interface FromSession {
  temporalUiUrl?: string;
  temporalNamespace?: string;
}

export function temporalUiBase(
  location: { protocol: string; hostname: string },
  session: FromSession | null = null,
): string {
  return (
    session?.temporalUiUrl ??
    configured ??
    `${location.protocol}//${location.hostname}:8233`
  );
}

/** workflowUrl is the Web UI's page of the workflow `workflowId`. */
export function workflowUrl(
  workflowId: string,
  session: FromSession | null = null,
  location: { protocol: string; hostname: string } = window.location,
): string {
  const namespace = session?.temporalNamespace ?? configuredNamespace;
  return `${temporalUiBase(location, session)}/namespaces/${encodeURIComponent(
    namespace,
  )}/workflows/${encodeURIComponent(workflowId)}`;
}
