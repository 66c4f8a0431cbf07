-- 002_appointments.sql: appointment policy per office, blocked days, slots with a capacity the
-- database enforces, appointments (codes stored hashed) and the check-in link to tickets.
-- Roll-forward only: never edit after merge; add NNN_name.sql instead.

-- Per-office appointment settings. No row = the defaults below (see docs/appointments.md).
CREATE TABLE appointment_policy (
    office_id      text PRIMARY KEY REFERENCES office(id) ON DELETE CASCADE,
    slot_min       integer NOT NULL DEFAULT 20 CHECK (slot_min BETWEEN 5 AND 240),
    capacity       integer CHECK (capacity BETWEEN 1 AND 1000),  -- NULL: clerks assigned to the office
    horizon_days   integer NOT NULL DEFAULT 28 CHECK (horizon_days BETWEEN 1 AND 366),
    lead_s         integer NOT NULL DEFAULT 7200 CHECK (lead_s BETWEEN 0 AND 2592000),
    share_permille integer NOT NULL DEFAULT 500 CHECK (share_permille BETWEEN 0 AND 1000)
);

-- Local dates on which an office takes no appointments (walk-ins may still be served).
CREATE TABLE appointment_blocked_day (
    office_id text NOT NULL REFERENCES office(id) ON DELETE CASCADE,
    day       date NOT NULL,
    PRIMARY KEY (office_id, day)
);

-- One row per slot that has (or had) bookings. `booked <= capacity` is the capacity guarantee:
-- a booking increments `booked` with a guarded upsert, so concurrent bookings serialise on this
-- row and can never exceed it.
CREATE TABLE appointment_slot (
    office_id text NOT NULL REFERENCES office(id) ON DELETE CASCADE,
    start_at  timestamptz NOT NULL,
    capacity  integer NOT NULL CHECK (capacity BETWEEN 1 AND 1000),
    booked    integer NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= capacity),
    PRIMARY KEY (office_id, start_at)
);

CREATE TABLE appointment (
    id             bigserial PRIMARY KEY,
    office_id      text NOT NULL,
    start_at       timestamptz NOT NULL,
    end_at         timestamptz NOT NULL CHECK (end_at > start_at),
    code_hash      text NOT NULL UNIQUE CHECK (code_hash ~ '^[0-9a-f]{64}$'),
    state          text NOT NULL DEFAULT 'booked'
                   CHECK (state IN ('booked', 'checked_in', 'cancelled', 'no_show')),
    name           text CHECK (length(name) <= 80),
    contact        text CHECK (length(contact) <= 120),
    concern        text CHECK (length(concern) <= 500),
    from_ticket_id bigint REFERENCES ticket(id) ON DELETE SET NULL,
    ticket_id      bigint UNIQUE REFERENCES ticket(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
    sequence       integer NOT NULL DEFAULT 0,                -- iCalendar SEQUENCE, bumped on cancel
    created_at     timestamptz NOT NULL DEFAULT now(),
    checked_in_at  timestamptz,
    cancelled_at   timestamptz,
    no_show_at     timestamptz,
    reminder_sent_at timestamptz,
    erase_after    timestamptz NOT NULL,                      -- name, contact, concern erased after
    FOREIGN KEY (office_id, start_at) REFERENCES appointment_slot (office_id, start_at) ON DELETE CASCADE
);
CREATE INDEX appointment_day ON appointment (office_id, start_at);
CREATE INDEX appointment_erase ON appointment (erase_after)
    WHERE name IS NOT NULL OR contact IS NOT NULL OR concern IS NOT NULL;
CREATE INDEX appointment_reminder ON appointment (start_at)
    WHERE state = 'booked' AND reminder_sent_at IS NULL AND contact IS NOT NULL;

-- Legal appointment state changes (the C side only issues these; the database makes sure).
CREATE FUNCTION appointment_check_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state = OLD.state OR (OLD.state, NEW.state) IN (
        ('booked', 'checked_in'), ('booked', 'cancelled'), ('booked', 'no_show'),
        ('checked_in', 'no_show'))
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'BB001',
        MESSAGE = format('appointment %s: illegal transition %s -> %s', OLD.id, OLD.state, NEW.state);
END $$;

CREATE TRIGGER appointment_transition BEFORE UPDATE ON appointment
    FOR EACH ROW EXECUTE FUNCTION appointment_check_transition();

-- Check-in. The join path of the service draws tickets without knowing about appointments; the
-- appointments module validates the code right before and leaves "<appointment id>/<unix time>"
-- in the session setting bb.checkin of the service's (single, single-threaded) connection. The
-- next ticket insert with a positive priority takes it: the ticket gets the appointment's name
-- and concern and, as arrival time, the opening of the check-in window, so appointment holders
-- line up by slot time ahead of walk-ins; the appointment becomes checked_in and points to the
-- ticket. A walk-in insert (priority 0) never consumes the setting. If the insert rolls back, the
-- appointment stays booked.
CREATE FUNCTION ticket_take_checkin() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v    text := current_setting('bb.checkin', true);
    appt bigint;
    a    appointment%ROWTYPE;
BEGIN
    IF v IS NULL OR v = '' OR NEW.priority <= 0 THEN
        RETURN NEW;
    END IF;
    PERFORM set_config('bb.checkin', '', false);
    appt := split_part(v, '/', 1)::bigint;
    UPDATE appointment SET state = 'checked_in', checked_in_at = now(), ticket_id = NEW.id
     WHERE id = appt AND state = 'booked' AND office_id = NEW.office_id
    RETURNING * INTO a;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'BB002',
            MESSAGE = format('appointment %s cannot be checked in anymore', appt);
    END IF;
    NEW.arrived_at := to_timestamp(split_part(v, '/', 2)::bigint);
    NEW.name := coalesce(NEW.name, a.name);
    NEW.concern := coalesce(NEW.concern, a.concern);
    RETURN NEW;
END $$;

CREATE TRIGGER ticket_checkin BEFORE INSERT ON ticket
    FOR EACH ROW EXECUTE FUNCTION ticket_take_checkin();
