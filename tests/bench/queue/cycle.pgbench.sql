-- cycle.pgbench.sql: the SQL the queue service runs for one ticket cycle (join -> call_next ->
-- accept -> finish), statement for statement, for pgbench (bench.mjs: -M extended, or -M prepared
-- with --prepared, which is what the service does: it prepares each statement once per connection).
-- Variables: :clerk (one per client). A random md5 pair stands in for the resume token hash.
\set clerk (:client_id % :clerks) + 1
-- join: counter upsert (serialises the office), then insert guarded by the capacity count and
-- returning the position
BEGIN;
INSERT INTO ticket_counter (office_id, day, last) VALUES ('bench', (now() AT TIME ZONE 'Europe/Berlin')::date, 1) ON CONFLICT (office_id, day) DO UPDATE SET last = ticket_counter.last + 1 RETURNING last AS seq, day::text AS day \gset
WITH ins AS (INSERT INTO ticket (office_id, issued_office_id, day, seq, number, name, concern, resume_token_hash, priority, attached_instance, erase_after) SELECT 'bench', 'bench', :day::date, :seq, 'B-' || :seq, NULL, NULL, md5(random()::text) || md5(random()::text), 0, 'pgbench', (date_trunc('day', now() AT TIME ZONE 'Europe/Berlin') + interval '1 day') AT TIME ZONE 'Europe/Berlin' WHERE (SELECT count(*) FROM ticket WHERE office_id = 'bench' AND state = 'waiting') < 100000 RETURNING *) SELECT t.id, (SELECT count(*) FROM ticket w WHERE w.office_id = t.office_id AND w.state = 'waiting' AND (w.priority > t.priority OR (w.priority = t.priority AND (w.arrived_at, w.id) < (t.arrived_at, t.id)))) FROM ins t;
COMMIT;
-- call_next: claim (the session lookup is cached by the service for 2 s, so it is not repeated here) (wrapped so that a rare empty claim under SKIP LOCKED yields 0
-- instead of aborting the client; the service answers no_ticket then)
WITH claimed AS (UPDATE ticket t SET state = 'called', called_at = now(), clerk_id = :clerk WHERE t.id = (SELECT id FROM ticket WHERE state = 'waiting' AND detached_at IS NULL AND office_id = ANY('{bench}'::text[]) ORDER BY priority DESC, arrived_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) AND t.state = ANY('{waiting}'::text[]) RETURNING t.id) SELECT coalesce(max(id), 0) AS called FROM claimed \gset
-- accept: transition, presence busy
UPDATE ticket t SET state = 'in_consultation', in_consultation_at = now() WHERE t.id = :called AND t.state = ANY('{called}'::text[]) RETURNING t.clerk_id;
INSERT INTO clerk_presence AS p (clerk_id, state) VALUES (:clerk, 'busy') ON CONFLICT (clerk_id) DO UPDATE SET state = 'busy', last_seen = now(), changed_at = CASE WHEN p.state = 'busy' THEN p.changed_at ELSE now() END RETURNING (SELECT string_agg(office_id, ',') FROM clerk_office WHERE clerk_id = :clerk);
-- finish: transition, presence back to available
UPDATE ticket t SET state = 'done', done_at = now(), outcome = 'served' WHERE t.id = :called AND t.state = ANY('{in_consultation}'::text[]) RETURNING t.id;
UPDATE clerk_presence SET state = 'available', changed_at = now(), last_seen = now() WHERE clerk_id = :clerk AND state = 'busy' AND NOT EXISTS (SELECT 1 FROM ticket WHERE clerk_id = :clerk AND state = 'in_consultation') RETURNING (SELECT string_agg(office_id, ',') FROM clerk_office WHERE clerk_id = :clerk);
