-- The stack registry: what each Stack entity last recorded of itself (its
-- first good apply, a destroy, its owner or expiry changing), so that
-- `provisio stack recover` can start the entities and their drift schedules
-- again after Temporal's data is lost. Written by the entity's RecordStack
-- activity, an upsert: a retried activity writes the same row again.
CREATE TABLE stack_registry (
  stack        text PRIMARY KEY CHECK (stack ~ '^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$'),
  template     text NOT NULL,
  -- The task queue the entity ran on (its drift schedule starts DetectDrift there).
  task_queue   text NOT NULL,
  -- The entity's state as GetStack answers it, without its queue and holder.
  state        jsonb NOT NULL,
  destroyed    boolean NOT NULL DEFAULT false,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
