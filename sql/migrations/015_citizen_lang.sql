-- 015_citizen_lang.sql: the citizen's language travels with the ticket and the appointment
-- (protocol/values.json citizen_lang; docs/appointments.md "Languages").
-- Roll-forward only: never edit after merge; add NNN_name.sql instead.

-- The widget's language at the join or the booking. NULL: not told (rows from before this
-- migration, other clients); mails and calendar files then use German, the console shows nothing.
ALTER TABLE ticket ADD COLUMN lang text CHECK (lang IN ('de', 'en', 'tr', 'ar', 'uk', 'ru'));
ALTER TABLE appointment ADD COLUMN lang text CHECK (lang IN ('de', 'en', 'tr', 'ar', 'uk', 'ru'));

-- Check-in as in 002, and the ticket also takes the appointment's language (the one its mails
-- were written in); an appointment booked without one keeps the language of the checking-in widget.
CREATE OR REPLACE FUNCTION ticket_take_checkin() RETURNS trigger LANGUAGE plpgsql AS $$
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
    NEW.lang := coalesce(a.lang, NEW.lang);
    RETURN NEW;
END $$;
