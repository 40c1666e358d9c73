-- The platform database (docs/provisioning.md, "The platform database").
-- Owned by the provisioning worker, which applies db/migrations/ at start,
-- in order, each at most once (schema_migrations). Never edit a migration
-- that has shipped: add the next one.

-- People who sign in. The HTTP API adds their credentials (issue: HTTP API).
CREATE TABLE users (
  id           text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
  display_name text NOT NULL,
  email        text NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  disabled_at  timestamptz
);

-- Roles. A template's approval policy names the roles that may decide on its
-- requests (platform-admin, dba, cloud-approver, ...); the platform itself
-- knows 'operator' (interventions) and 'admin' (lock breaks, users).
CREATE TABLE user_roles (
  user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role       text NOT NULL CHECK (role ~ '^[a-z][a-z0-9-]{0,62}$'),
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, role)
);

CREATE TABLE teams (
  id         text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE team_members (
  team_id   text NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  user_id   text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- 'lead' members may narrow their team's approval policies; 'member' may request.
  role      text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'lead')),
  joined_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_by_user ON team_members (user_id);

-- The UI's inbox; the webhook is sent by the same activity. Written
-- idempotently: id is derived from the workflow and its history event.
CREATE TABLE notifications (
  id          text PRIMARY KEY,
  user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('authorization_requested', 'intervention_needed',
                                            'expiry_reminder', 'request_finished')),
  workflow_id text NOT NULL,
  subject     text NOT NULL,
  body        jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  read_at     timestamptz
);
CREATE INDEX notifications_unread ON notifications (user_id, created_at DESC) WHERE read_at IS NULL;

-- Every request, decision, intervention, lock break, drift finding and
-- destroy. event_id = '<workflow id>/<history event id>' makes a retried
-- audit activity write nothing twice. Rows are never updated or deleted.
CREATE TABLE audit_events (
  event_id    text PRIMARY KEY,
  occurred_at timestamptz NOT NULL,
  actor       text NOT NULL,
  action      text NOT NULL,
  workflow_id text NOT NULL,
  stack       text,
  plan_hash   text CHECK (plan_hash IS NULL OR plan_hash ~ '^[0-9a-f]{64}$'),
  reason      text,
  details     jsonb NOT NULL DEFAULT '{}'::jsonb,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_by_workflow ON audit_events (workflow_id, occurred_at);
CREATE INDEX audit_events_by_actor ON audit_events (actor, occurred_at);
CREATE INDEX audit_events_by_action ON audit_events (action, occurred_at);

CREATE FUNCTION audit_events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only (% of event %)', TG_OP, OLD.event_id;
END $$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_are_append_only();

-- A request's state changes (GetState's milestones), one row per version:
-- the API's long-polls wait for a version after theirs (NOTIFY request_state).
CREATE TABLE request_states (
  workflow_id text NOT NULL,
  version     bigint NOT NULL CHECK (version > 0),
  status      text NOT NULL CHECK (status IN (
                'VALIDATING', 'PLANNING', 'AWAITING_AUTHORIZATION', 'QUEUED', 'PROVISIONING',
                'PROVISIONED', 'REJECTED', 'AUTHORIZATION_TIMED_OUT', 'NEEDS_INTERVENTION',
                'ROLLED_BACK', 'FAILED', 'CANCELLED', 'DESTROYED')),
  state       jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workflow_id, version)
);

-- Each resource's apply progress, from the runner's heartbeats (workflow
-- code cannot read heartbeat details): the UI's progress bars.
CREATE TABLE apply_progress (
  workflow_id  text NOT NULL,
  stack        text NOT NULL,
  plan_hash    text NOT NULL CHECK (plan_hash ~ '^[0-9a-f]{64}$'),
  address      text NOT NULL,
  action       text NOT NULL,
  status       text NOT NULL CHECK (status IN ('started', 'in-progress', 'complete', 'errored')),
  elapsed_ms   bigint NOT NULL DEFAULT 0 CHECK (elapsed_ms >= 0),
  done         integer NOT NULL CHECK (done >= 0),
  total        integer NOT NULL CHECK (total >= 0 AND done <= total),
  version      bigint NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workflow_id, plan_hash, address)
);

-- One NOTIFY per change, with the workflow id as payload: listeners re-read
-- the rows newer than the version they have.
CREATE FUNCTION notify_request_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(TG_ARGV[0], NEW.workflow_id);
  RETURN NEW;
END $$;
CREATE TRIGGER request_states_notify AFTER INSERT ON request_states
  FOR EACH ROW EXECUTE FUNCTION notify_request_change('request_state');
CREATE TRIGGER apply_progress_notify AFTER INSERT OR UPDATE ON apply_progress
  FOR EACH ROW EXECUTE FUNCTION notify_request_change('apply_progress');
