-- 001_queue.sql: offices, opening hours, clerks, sessions, presence, tickets (queue service core).
-- Roll-forward only: never edit after merge; add NNN_name.sql instead. No BEGIN/COMMIT here:
-- `buergerbuero-queue migrate` wraps each file in one transaction.

CREATE TABLE office (
    id                text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,31}$'),
    name_de           text NOT NULL CHECK (length(name_de) BETWEEN 1 AND 120),
    name_en           text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 120),
    description_de    text NOT NULL DEFAULT '' CHECK (length(description_de) <= 1000),
    description_en    text NOT NULL DEFAULT '' CHECK (length(description_en) <= 1000),
    timezone          text NOT NULL DEFAULT 'Europe/Berlin' CHECK (length(timezone) <= 64),
    capacity          integer NOT NULL DEFAULT 30 CHECK (capacity BETWEEN 0 AND 100000),
    ticket_prefix     text NOT NULL CHECK (ticket_prefix ~ '^[A-Z0-9]{1,6}$'),
    no_show_timeout_s integer NOT NULL DEFAULT 120 CHECK (no_show_timeout_s BETWEEN 5 AND 86400),
    grace_s           integer NOT NULL DEFAULT 120 CHECK (grace_s BETWEEN 5 AND 86400),
    created_at        timestamptz NOT NULL DEFAULT now()
);

-- Weekly plan: several intervals per weekday (ISO 1 = Monday .. 7 = Sunday), local minutes.
CREATE TABLE office_hours (
    office_id text NOT NULL REFERENCES office(id) ON DELETE CASCADE,
    weekday   smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    open_min  integer NOT NULL,
    close_min integer NOT NULL,
    PRIMARY KEY (office_id, weekday, open_min),
    CHECK (open_min >= 0 AND open_min < close_min AND close_min <= 1440)
);

-- Day exceptions: a row without times closes the whole day (holiday); rows with times replace
-- the weekly intervals of that date.
CREATE TABLE office_day (
    id        bigserial PRIMARY KEY,
    office_id text NOT NULL REFERENCES office(id) ON DELETE CASCADE,
    day       date NOT NULL,
    open_min  integer,
    close_min integer,
    note      text NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    CHECK ((open_min IS NULL AND close_min IS NULL) OR
           (open_min >= 0 AND open_min < close_min AND close_min <= 1440))
);
CREATE UNIQUE INDEX office_day_unique ON office_day (office_id, day, coalesce(open_min, -1));

CREATE TABLE clerk (
    id            serial PRIMARY KEY,
    login         text NOT NULL UNIQUE CHECK (login ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    display_name  text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 120),
    password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    role          text NOT NULL DEFAULT 'clerk' CHECK (role IN ('clerk', 'admin')),
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE clerk_office (
    clerk_id  integer NOT NULL REFERENCES clerk(id) ON DELETE CASCADE,
    office_id text NOT NULL REFERENCES office(id) ON DELETE CASCADE,
    PRIMARY KEY (clerk_id, office_id)
);
CREATE INDEX clerk_office_office ON clerk_office (office_id);

-- Sessions: only the SHA-256 of the token is stored.
CREATE TABLE clerk_session (
    token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    clerk_id   integer NOT NULL REFERENCES clerk(id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX clerk_session_expires ON clerk_session (expires_at);

CREATE TABLE clerk_presence (
    clerk_id   integer PRIMARY KEY REFERENCES clerk(id) ON DELETE CASCADE,
    state      text NOT NULL DEFAULT 'offline' CHECK (state IN ('offline', 'available', 'paused', 'busy')),
    last_seen  timestamptz NOT NULL DEFAULT now(),
    changed_at timestamptz NOT NULL DEFAULT now()
);

-- Numbers per office and local day; the upsert on this row also serialises joins per office.
CREATE TABLE ticket_counter (
    office_id text NOT NULL REFERENCES office(id) ON DELETE CASCADE,
    day       date NOT NULL,
    last      integer NOT NULL,
    PRIMARY KEY (office_id, day)
);

CREATE TABLE ticket (
    id                bigserial PRIMARY KEY,
    office_id         text NOT NULL REFERENCES office(id),          -- current office (transfer moves it)
    issued_office_id  text NOT NULL REFERENCES office(id),          -- office that issued the number
    day               date NOT NULL,                                 -- issuing office's local day
    seq               integer NOT NULL CHECK (seq > 0),
    number            text NOT NULL,                                 -- e.g. KFZ-017
    state             text NOT NULL DEFAULT 'waiting' CHECK (state IN
                      ('waiting', 'called', 'in_consultation', 'done', 'no_show', 'cancelled', 'expired')),
    name              text CHECK (length(name) <= 80),
    concern           text CHECK (length(concern) <= 500),
    resume_token_hash text CHECK (resume_token_hash ~ '^[0-9a-f]{64}$'),
    priority          integer NOT NULL DEFAULT 0 CHECK (priority BETWEEN -100 AND 100),
    arrived_at        timestamptz NOT NULL DEFAULT now(),           -- kept across requeue/transfer
    waiting_at        timestamptz NOT NULL DEFAULT now(),           -- last time it (re)entered waiting
    called_at         timestamptz,
    in_consultation_at timestamptz,
    done_at           timestamptz,
    no_show_at        timestamptz,
    cancelled_at      timestamptz,
    expired_at        timestamptz,
    expire_reason     text CHECK (expire_reason IN ('grace', 'closing')),
    detached_at       timestamptz,                                   -- citizen connection lost
    attached_instance text CHECK (length(attached_instance) <= 64),  -- Janus node holding the citizen
    clerk_id          integer REFERENCES clerk(id) ON DELETE SET NULL,
    outcome           text CHECK (outcome IN ('served', 'no_show', 'forwarded')),
    transfers         integer NOT NULL DEFAULT 0,
    erase_after       timestamptz NOT NULL,                          -- personal fields erased after
    UNIQUE (issued_office_id, day, seq)
);
CREATE INDEX ticket_waiting ON ticket (office_id, priority DESC, arrived_at, id) WHERE state = 'waiting';
CREATE INDEX ticket_active ON ticket (office_id, state) WHERE state IN ('waiting', 'called', 'in_consultation');
CREATE INDEX ticket_detached ON ticket (detached_at) WHERE detached_at IS NOT NULL AND state IN ('waiting', 'called');
CREATE INDEX ticket_instance ON ticket (attached_instance) WHERE state IN ('waiting', 'called');
CREATE INDEX ticket_erase ON ticket (erase_after) WHERE name IS NOT NULL OR concern IS NOT NULL;
CREATE INDEX ticket_recent_done ON ticket (office_id, done_at DESC) WHERE state = 'done';
CREATE UNIQUE INDEX ticket_resume ON ticket (resume_token_hash) WHERE resume_token_hash IS NOT NULL;

-- The database-side twin of bb_ticket_transition() (queue-service/src/ticket_state.c): any
-- change of `state` must be one of these pairs. Same-state updates (detach, resume, transfer
-- between offices while waiting, erasure) pass; final states never change state.
CREATE FUNCTION ticket_check_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state = OLD.state THEN
        RETURN NEW;
    END IF;
    IF (OLD.state, NEW.state) IN (
        ('waiting', 'called'), ('waiting', 'cancelled'), ('waiting', 'expired'),
        ('called', 'in_consultation'), ('called', 'no_show'), ('called', 'cancelled'),
        ('called', 'expired'), ('called', 'waiting'),
        ('in_consultation', 'done'), ('in_consultation', 'no_show'), ('in_consultation', 'waiting'))
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'BB001',
        MESSAGE = format('ticket %s: illegal transition %s -> %s', OLD.id, OLD.state, NEW.state);
END $$;

CREATE TRIGGER ticket_transition BEFORE UPDATE ON ticket
    FOR EACH ROW EXECUTE FUNCTION ticket_check_transition();
