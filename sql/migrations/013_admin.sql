-- 013_admin.sql: administration from the console (docs/rest-api.md "Administration"): the
-- supervisor role, an office order and temporary closures, per-office check-in windows, and the
-- audit log every administrative change is written to in its own transaction.
-- Roll-forward only: never edit after merge; add NNN_name.sql instead.

-- Supervisors serve like clerks and see the live overview and statistics of every office.
ALTER TABLE clerk DROP CONSTRAINT clerk_role_check;
ALTER TABLE clerk ADD CONSTRAINT clerk_role_check CHECK (role IN ('clerk', 'supervisor', 'admin'));

-- Offices are listed by sort_order, then by name (the citizen sees this order).
ALTER TABLE office ADD COLUMN sort_order integer NOT NULL DEFAULT 0 CHECK (sort_order BETWEEN -10000 AND 10000);

-- A temporary closure (burst pipe, staff meeting): the office is closed until closure_until,
-- whatever its hours say, and citizens read the message. NULL: not closed.
ALTER TABLE office ADD COLUMN closure_until timestamptz;
ALTER TABLE office ADD COLUMN closure_message_de text NOT NULL DEFAULT '' CHECK (length(closure_message_de) <= 300);
ALTER TABLE office ADD COLUMN closure_message_en text NOT NULL DEFAULT '' CHECK (length(closure_message_en) <= 300);

-- Check-in window for appointments of this office; NULL: the service's checkin_before_s/_after_s.
ALTER TABLE appointment_policy ADD COLUMN checkin_before_s integer CHECK (checkin_before_s BETWEEN 0 AND 86400);
ALTER TABLE appointment_policy ADD COLUMN checkin_after_s integer CHECK (checkin_after_s BETWEEN 0 AND 86400);

-- Who changed what and when. Written in the same transaction as the change, so an entry exists
-- exactly when the change does. Holds configuration only: never citizens' personal data, never
-- passwords or tokens. `actor` stays readable after the clerk row is gone.
CREATE TABLE audit_log (
    id       bigserial PRIMARY KEY,
    at       timestamptz NOT NULL DEFAULT now(),
    actor    text NOT NULL CHECK (length(actor) BETWEEN 1 AND 80),     -- clerk login, or cli:<os user>
    actor_id integer REFERENCES clerk(id) ON DELETE SET NULL,
    action   text NOT NULL CHECK (action ~ '^[a-z_]+\.[a-z_]+$'),       -- office.create, clerk.update ...
    target   text NOT NULL CHECK (length(target) <= 80),                -- office id or clerk login
    detail   jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_target ON audit_log (target, at DESC);
