// The one module that talks to provisio-api (docs/api.md). Pages call these
// functions and never fetch() themselves.
//
// Sign-in sets an HttpOnly cookie the page cannot read; state-changing
// requests also send the session's CSRF token (X-CSRF-Token), which
// POST/GET /api/session hand out. The browser adds the Origin header itself.
import type {
  Application,
  AuthorizeInput,
  Authorizer,
  CreateApplicationInput,
  Problem,
  Session,
  Template,
  TemplateSummary,
  ApplicationList,
  PlanPreview,
  InterveneInput,
  Inbox,
  AuditFilter,
  AuditPage,
  StackList,
  Stack,
} from "./types";

/** ApiError is a failed call: the API's problem+json, or a network failure. */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly field?: string;
  readonly requestId?: string;

  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.status = problem.status;
    this.type = problem.type;
    this.title = problem.title;
    this.detail = problem.detail;
    this.field = problem.field;
    this.requestId = problem.requestId;
  }

  /** slug is the end of the problem type: "not-found", "conflict", ... */
  get slug(): string {
    return this.type.replace(/^urn:provisio:problem:/, "");
  }
}

let csrfToken = "";
const unauthenticatedListeners = new Set<() => void>();

/** onUnauthenticated registers what to do when a call answers 401 (the session ended). */
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

/** toProblem makes a problem of any failed response body. */
export function toProblem(status: number, body: unknown): Problem {
  if (body && typeof body === "object" && "title" in body) {
    const problem = body as Problem;
    return { ...problem, status: problem.status ?? status };
  }
  return {
    type: "urn:provisio:problem:http-" + status,
    title: "The server answered " + status,
    status,
    detail:
      status === 404
        ? "This page or route does not exist (yet) on this server."
        : "The server answered " + status + " without saying why.",
  };
}

interface CallOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** quiet401: a 401 is the expected answer (who am I, before signing in). */
  quiet401?: boolean;
}

async function call<T>(
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body:
        options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError({
      type: "urn:provisio:problem:network",
      title: "The server could not be reached",
      status: 0,
      detail:
        "The server could not be reached. Check your connection and try again.",
    });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    if (response.status === 401 && !options.quiet401) {
      csrfToken = "";
      unauthenticatedListeners.forEach((listener) => listener());
    }
    throw new ApiError(toProblem(response.status, body));
  }
  return body as T;
}

function remember(session: Session): Session {
  csrfToken = session.csrfToken;
  return session;
}

export async function signIn(user: string, password: string): Promise<Session> {
  return remember(
    await call<Session>("POST", "/api/session", { body: { user, password } }),
  );
}

/** currentSession answers who is signed in, or null. */
export async function currentSession(): Promise<Session | null> {
  try {
    return remember(
      await call<Session>("GET", "/api/session", { quiet401: true }),
    );
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function signOut(): Promise<void> {
  await call<void>("DELETE", "/api/session", { quiet401: true });
  csrfToken = "";
}

export async function listTemplates(): Promise<TemplateSummary[]> {
  return (await call<{ templates: TemplateSummary[] }>("GET", "/api/templates"))
    .templates;
}

export function getTemplate(name: string): Promise<Template> {
  return call<Template>("GET", "/api/templates/" + encodeURIComponent(name));
}

/**
 * listAuthorizers answers who may be named to decide a request of the
 * template: holders of one of its approval roles, the signed-in user left out
 * unless the template allows self-approval.
 */
export async function listAuthorizers(template: string): Promise<Authorizer[]> {
  return (
    await call<{ authorizers: Authorizer[] }>(
      "GET",
      "/api/templates/" + encodeURIComponent(template) + "/authorizers",
    )
  ).authorizers;
}

export function createApplication(
  input: CreateApplicationInput,
): Promise<{ id: string; runId: string; location: string }> {
  return call("POST", "/api/applications", { body: input });
}

/**
 * getApplication reads a request; with `waitAfterVersion` it long-polls: the
 * API answers when the version grows past it, or after its wait (30 s) with
 * the same version.
 */
export function getApplication(
  id: string,
  waitAfterVersion?: number,
  signal?: AbortSignal,
): Promise<Application> {
  const query =
    waitAfterVersion === undefined
      ? ""
      : "?waitAfterVersion=" + waitAfterVersion;
  return call<Application>(
    "GET",
    "/api/applications/" + encodeURIComponent(id) + query,
    {
      signal,
    },
  );
}

export function authorize(
  id: string,
  input: AuthorizeInput,
): Promise<{ id: string; decision: string; planHash: string; result: string }> {
  return call(
    "POST",
    "/api/applications/" + encodeURIComponent(id) + "/authorize",
    {
      body: input,
    },
  );
}

/** The filters of GET /api/applications (docs/api.md). */
export interface ApplicationFilter {
  filter?: "mine" | "toAuthorize";
  team?: string;
  status?: string;
  pageToken?: string;
}

function queryOf(filter: object): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || value === "" || value === false) continue;
    query.set(key, String(value));
  }
  const text = query.toString();
  return text ? "?" + text : "";
}

export function listApplications(
  filter: ApplicationFilter = {},
): Promise<ApplicationList> {
  return call<ApplicationList>("GET", "/api/applications" + queryOf(filter));
}

/** preview asks the workflow for a plan with another region or profile (a new plan hash). */
export function preview(
  id: string,
  choice: { region?: string; profile?: string },
): Promise<PlanPreview> {
  return call(
    "POST",
    "/api/applications/" + encodeURIComponent(id) + "/preview",
    { body: choice },
  );
}

function applicationPath(id: string, action: string): string {
  return "/api/applications/" + encodeURIComponent(id) + "/" + action;
}

export function cancelApplication(
  id: string,
  reason?: string,
): Promise<unknown> {
  return call("POST", applicationPath(id, "cancel"), {
    body: reason ? { reason } : {},
  });
}

/** destroyApplication starts a destroy request of the stack (authorized like any request). */
export function destroyApplication(
  id: string,
): Promise<{ id: string; runId: string; location: string; stack: string }> {
  return call("POST", applicationPath(id, "destroy"), { body: {} });
}

/** revealOutput reads a sensitive output's value (audited). */
export function revealOutput(
  id: string,
  name: string,
): Promise<{ id: string; name: string; value: unknown }> {
  return call(
    "POST",
    applicationPath(id, "outputs/" + encodeURIComponent(name) + "/reveal"),
    {
      body: {},
    },
  );
}

export function intervene(id: string, input: InterveneInput): Promise<unknown> {
  return call("POST", applicationPath(id, "intervene"), { body: input });
}

export function getInbox(): Promise<Inbox> {
  return call<Inbox>("GET", "/api/notifications");
}

export function markRead(id: string): Promise<unknown> {
  return call("POST", "/api/notifications/" + encodeURIComponent(id) + "/read");
}

export function listAudit(filter: AuditFilter = {}): Promise<AuditPage> {
  return call<AuditPage>("GET", "/api/audit" + queryOf(filter));
}

export function listStacks(): Promise<StackList> {
  return call<StackList>("GET", "/api/stacks");
}

export function getStack(name: string): Promise<Stack> {
  return call<Stack>("GET", "/api/stacks/" + encodeURIComponent(name));
}

/** breakLock frees a stack from the request holding it (admins); planHash is the holder's. */
export function breakLock(
  name: string,
  planHash: string,
  reason: string,
): Promise<unknown> {
  return call(
    "POST",
    "/api/stacks/" + encodeURIComponent(name) + "/break-lock",
    {
      body: { planHash, ...(reason ? { reason } : {}) },
    },
  );
}
