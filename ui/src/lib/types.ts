// The API's shapes as docs/api.md and GET /api/openapi.json describe them.
// Only what the pages read is declared; the API may send more.

export interface Session {
  user: string;
  displayName: string;
  email: string;
  roles: string[];
  teams: string[];
  csrfToken: string;
  expiresAt: string;
  /** Where the Temporal Web UI is, when the deployment says (scripts/run does). */
  temporalUiUrl?: string;
  temporalNamespace?: string;
}

export interface TemplateSummary {
  name: string;
  title: string;
  description: string;
}

export interface TemplateParameter {
  name: string;
  label: string;
  help: string;
  widget: string;
  placeholder?: string;
  type: "string" | "number" | "bool" | "any";
  required: boolean;
  defaultValue?: unknown;
  pattern?: string;
}

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  description?: string;
  default?: unknown;
}

export interface Template extends TemplateSummary {
  parameters: TemplateParameter[];
  approval: {
    roles: string[];
    count: number;
    selfApproval: boolean;
    timeout?: string;
  };
  stateful: string[];
  driftCheckInterval?: string;
  ttl?: string;
  /** Where the template's stacks may go; a list left out allows any name. */
  placement?: { regions?: string[]; profiles?: string[] };
  parameterSchema: JsonSchema;
}

/** Authorizer: a user who may be named to decide a template's requests. */
export interface Authorizer {
  user: string;
  displayName: string;
  /** roles: the roles of the template's policy this user holds. */
  roles: string[];
}

export interface AttributeChange {
  name: string;
  before?: unknown;
  after?: unknown;
  sensitive: boolean;
}

export interface ResourceChange {
  address: string;
  actions: string[];
  changed: AttributeChange[];
}

export interface Decision {
  user: string;
  decision: string;
  planHash: string;
  reason?: string;
  decidedAt: string;
}

export interface Intervention {
  resource: string;
  error: string;
  since: string;
  choices: string[];
}

export type Status =
  | "VALIDATING"
  | "PLANNING"
  | "AWAITING_AUTHORIZATION"
  | "QUEUED"
  | "PROVISIONING"
  | "PROVISIONED"
  | "REJECTED"
  | "AUTHORIZATION_TIMED_OUT"
  | "NEEDS_INTERVENTION"
  | "ROLLED_BACK"
  | "FAILED"
  | "CANCELLED"
  | "DESTROYED";

export interface RequestState {
  status: Status;
  version: number;
  applicationId: string;
  requester: string;
  team: string;
  template: string;
  templateHash?: string;
  planHash?: string;
  planSummary: ResourceChange[];
  policy?: { roles: string[]; count: number; selfApproval: boolean };
  /**
   * approvers: the authorizers the requester named; only they may decide.
   * Empty (or absent, from older records): anyone holding a role of the
   * policy may.
   */
  approvers?: string[];
  /** When the request stops waiting for a decision (RFC 3339), while AWAITING_AUTHORIZATION. */
  authorizationDeadline?: string;
  approvals: Decision[];
  outputs: Record<string, unknown>;
  error?: string;
  intervention?: Intervention;
  rounds: number;
}

export interface ResourceProgress {
  planHash: string;
  address: string;
  action: string;
  status: "started" | "in-progress" | "complete" | "errored";
  elapsedMs: number;
  done: number;
  total: number;
  version: number;
  recordedAt: string;
}

/** One change of status, as request_states recorded it. */
export interface StatusChange {
  status: string;
  version: number;
  at: string;
}

export interface Application {
  id: string;
  version: number;
  source: "workflow" | "database";
  state: RequestState;
  progress: ResourceProgress[];
  /** Each change of status, oldest first, with when it was recorded. */
  timeline: StatusChange[];
}

export interface CreateApplicationInput {
  team: string;
  application: string;
  template: string;
  parameters: Record<string, unknown>;
  /** approvers: the named authorizers (1 to 16 distinct users holding a role of the policy). */
  approvers?: string[];
  authorizationTimeoutSeconds?: number;
  failurePolicy?: { onFailure: string; applyAttempts?: number };
}

export interface AuthorizeInput {
  decision: "approve" | "reject";
  planHash: string;
  region?: string;
  profile?: string;
  reason?: string;
  confirmStatefulChanges?: boolean;
}

/** Problem is an RFC 9457 problem+json body as the API sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  field?: string;
}

// The routes below land with the API's second part; their shapes follow
// docs/api.md.

export interface ApplicationSummary {
  id: string;
  status: Status;
  team: string;
  template: string;
  requester: string;
  stack?: string;
  startedAt: string;
  closedAt?: string;
}

export interface ApplicationList {
  applications: ApplicationSummary[];
  nextPageToken?: string;
}

export interface PlanPreview {
  id: string;
  planHash: string;
  planSummary: ResourceChange[];
  planText: string;
  region?: string;
  profile?: string;
}

export interface InterveneInput {
  decision: "retry" | "exclude" | "rollback" | "abort";
  planHash: string;
  resource?: string;
  reason?: string;
}

export interface Notification {
  id: string;
  kind:
    | "authorization_requested"
    | "intervention_needed"
    | "expiry_reminder"
    | "request_finished";
  workflowId: string;
  subject: string;
  body: Record<string, unknown>;
  createdAt: string;
  readAt?: string;
}

export interface Inbox {
  notifications: Notification[];
  unread: number;
}

export interface AuditFilter {
  workflowId?: string;
  actor?: string;
  action?: string;
  pageToken?: string;
}

export interface AuditEvent {
  eventId: string;
  occurredAt: string;
  actor: string;
  action: string;
  workflowId: string;
  stack?: string;
  planHash?: string;
  reason?: string;
  details: unknown;
}

export interface AuditPage {
  events: AuditEvent[];
  nextPageToken?: string;
}

export interface StackSummary {
  name: string;
  team: string;
  template: string;
  latestRequest: string;
  latestStatus: Status;
  requests: number;
}

export interface StackList {
  stacks: StackSummary[];
  truncated: boolean;
}

export interface Ticket {
  requestId: string;
  planHash: string;
  ticket: number;
}

export interface Stack {
  name: string;
  template: string;
  holder?: Ticket;
  queue: Ticket[];
  lastGoodPlanHash?: string;
  templateHash?: string;
  owner?: string;
  lockBreaks: number;
  drift?: { checkedAt: string; drifted: boolean; resources: ResourceChange[] };
  driftSchedule: boolean;
  driftIntervalSeconds: number;
  expiresAt?: string;
  destroyed: boolean;
  generation: number;
  requests: string[];
}
