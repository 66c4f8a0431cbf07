-- 012_join_permit.sql: join permits are used once (docs/rest-api.md "Join permits").
-- Roll-forward only: never edit after merge; add NNN_name.sql instead.

-- The nonce of every permit redeemed by a join, until the permit would have expired anyway; the
-- primary key makes a second use fail on every service instance. The janitor deletes old rows.
CREATE TABLE join_permit_used (
    nonce      text PRIMARY KEY CHECK (nonce ~ '^[0-9a-f]{32}$'),
    expires_at timestamptz NOT NULL
);
CREATE INDEX join_permit_used_expires ON join_permit_used (expires_at);
