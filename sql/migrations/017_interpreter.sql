-- 017_interpreter.sql: a consultation's third participant, the interpreter (docs/interpreters.md).
-- Roll-forward only: never edit after merge; add NNN_name.sql instead.

-- The citizen ticked "I need a sign-language interpreter" when joining: the clerk sees it in the
-- queue and can invite one before or during the consultation.
ALTER TABLE ticket ADD COLUMN needs_interpreter boolean NOT NULL DEFAULT false;
-- An interpreter took part in the ticket's consultation (internal op `interpreted`): counted in
-- the statistics as with_interpreter. Only a flag: who interpreted is never stored.
ALTER TABLE ticket ADD COLUMN interpreted boolean NOT NULL DEFAULT false;
