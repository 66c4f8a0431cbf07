-- 010_stats.sql: index for the statistics per office and day (GET /api/v1/admin/stats, `stats`).
-- Roll-forward only: never edit after merge; add NNN_name.sql instead.

-- Outcomes are counted at the ticket's current office; the issuing side already has the unique
-- index (issued_office_id, day, seq). Together they let the statistics query read only the
-- tickets of the asked offices and days (bitmap OR) instead of the whole table.
CREATE INDEX ticket_office_day ON ticket (office_id, day);
