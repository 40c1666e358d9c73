-- The HTTP API's sign-in (docs/api.md, "Signing in"): a password per user and
-- the sessions of signed-in people. Users and their roles are 0001's tables;
-- `provisio user add|passwd|roles` manages all three.

-- One password per user, as libsodium's crypto_pwhash_str writes it: the
-- PHC string of an argon2id hash with its own salt and cost parameters.
-- Never the password itself.
CREATE TABLE user_credentials (
  user_id       text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- A signed-in browser. The cookie holds a random token; only its SHA-256 is
-- stored, so that a copy of this table signs no one in. A session ends at
-- expires_at, after the API's idle timeout without a request (last_seen_at),
-- at sign-out (the row is deleted), or when the user's password changes.
CREATE TABLE sessions (
  token_hash     text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  user_id        text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_seen_at   timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  remote_address text NOT NULL DEFAULT '',
  user_agent     text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
