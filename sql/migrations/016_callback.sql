-- 016_callback.sql: "leave and be called back" (docs/operations.md "Callback by e-mail"): a
-- waiting citizen leaves an e-mail address on the ticket, closes the page, gets "almost your
-- turn" with a link that resumes the ticket, and may ask once for "5 more minutes".
-- Roll-forward only: never edit after merge; add NNN_name.sql instead.

ALTER TABLE ticket
    -- the address, only for this ticket; erased by ticket_callback_erase() when the ticket leaves
    ADD COLUMN callback_email      text CHECK (length(callback_email) BETWEEN 3 AND 120),
    -- how often the address was set or changed (catalogue count callback_changes)
    ADD COLUMN callback_changes    integer NOT NULL DEFAULT 0 CHECK (callback_changes >= 0),
    -- SHA-256 of the token in the mailed link; resumes the ticket like resume_token_hash
    ADD COLUMN callback_token_hash text CHECK (callback_token_hash ~ '^[0-9a-f]{64}$'),
    -- the last mail sent to the address: 'almost' (with the link), then 'turn'
    ADD COLUMN callback_mail       text CHECK (callback_mail IN ('almost', 'turn')),
    -- a ticket behind was called while this one was away: its turn; held for callback_hold_s
    ADD COLUMN callback_turn_at    timestamptz,
    -- "I need 5 more minutes" used (once per ticket)
    ADD COLUMN snoozed_at          timestamptz;

CREATE UNIQUE INDEX ticket_callback_token ON ticket (callback_token_hash) WHERE callback_token_hash IS NOT NULL;
CREATE INDEX ticket_callback ON ticket (office_id) WHERE callback_email IS NOT NULL AND state = 'waiting';

ALTER TABLE ticket DROP CONSTRAINT ticket_expire_reason_check;
ALTER TABLE ticket ADD CONSTRAINT ticket_expire_reason_check
    CHECK (expire_reason IN ('grace', 'closing', 'callback'));

-- The address and the link leave with the ticket, whatever path it leaves by (done, no-show,
-- cancelled, expired): enforced here, not left to each code path.
CREATE FUNCTION ticket_callback_erase() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state IN ('done', 'no_show', 'cancelled', 'expired') THEN
        NEW.callback_email := NULL;
        NEW.callback_token_hash := NULL;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER ticket_callback_erase BEFORE UPDATE OF state ON ticket
    FOR EACH ROW EXECUTE FUNCTION ticket_callback_erase();
