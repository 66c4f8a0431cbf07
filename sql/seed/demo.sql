-- demo.sql: demo offices of a Landratsamt with realistic hours, plus one office open around the
-- clock so the whole flow can be tried at any hour. Idempotent (safe to run again). Clerks are
-- created with `buergerbuero-queue clerk add` (passwords need argon2id hashing).
INSERT INTO office (id, name_de, name_en, description_de, description_en, timezone, capacity, ticket_prefix)
VALUES
  ('kfz', 'Kfz-Zulassungsstelle', 'Vehicle registration',
   'Zulassung, Ummeldung und Abmeldung von Fahrzeugen', 'Registering, transferring and deregistering vehicles',
   'Europe/Berlin', 30, 'KFZ'),
  ('fs', 'Führerscheinstelle', 'Driving licence office',
   'Führerscheinanträge, Umtausch und internationale Führerscheine', 'Licence applications, exchange and international licences',
   'Europe/Berlin', 20, 'FS'),
  ('bau', 'Bauamt', 'Building authority',
   'Bauanträge, Bauvoranfragen und Auskünfte', 'Building permits, preliminary enquiries and information',
   'Europe/Berlin', 15, 'BAU'),
  ('abh', 'Ausländerbehörde', 'Immigration office',
   'Aufenthaltstitel, Verlängerungen und Beratung', 'Residence permits, extensions and advice',
   'Europe/Berlin', 25, 'ABH'),
  ('demo', 'Demo-Schalter (rund um die Uhr)', 'Demo desk (around the clock)',
   'Zum Ausprobieren: immer geöffnet, sobald eine Sachbearbeiterin online ist',
   'For trying it out: always open as soon as a clerk is online',
   'Europe/Berlin', 50, 'DEMO')
ON CONFLICT (id) DO NOTHING;

-- Weekly hours (local time, minutes since midnight).
INSERT INTO office_hours (office_id, weekday, open_min, close_min)
SELECT o, d, op, cl FROM (VALUES
  -- Kfz: Mon-Fri 07:30-12:30, Tue and Thu also 14:00-17:30
  ('kfz', 1, 450, 750), ('kfz', 2, 450, 750), ('kfz', 3, 450, 750), ('kfz', 4, 450, 750), ('kfz', 5, 450, 750),
  ('kfz', 2, 840, 1050), ('kfz', 4, 840, 1050),
  -- Führerscheinstelle: Mon-Fri 08:00-12:00, Thu 14:00-18:00
  ('fs', 1, 480, 720), ('fs', 2, 480, 720), ('fs', 3, 480, 720), ('fs', 4, 480, 720), ('fs', 5, 480, 720),
  ('fs', 4, 840, 1080),
  -- Bauamt: Tue and Thu 08:30-12:00, Thu 13:30-16:00
  ('bau', 2, 510, 720), ('bau', 4, 510, 720), ('bau', 4, 810, 960),
  -- Ausländerbehörde: Mon, Tue, Thu 08:00-12:00; Wed 13:00-18:00
  ('abh', 1, 480, 720), ('abh', 2, 480, 720), ('abh', 4, 480, 720), ('abh', 3, 780, 1080)
) AS h(o, d, op, cl)
WHERE NOT EXISTS (SELECT 1 FROM office_hours x WHERE x.office_id = h.o)   -- keep edited plans
ON CONFLICT DO NOTHING;

INSERT INTO office_hours (office_id, weekday, open_min, close_min)
SELECT 'demo', d, 0, 1440 FROM generate_series(1, 7) AS d
WHERE NOT EXISTS (SELECT 1 FROM office_hours x WHERE x.office_id = 'demo')
ON CONFLICT DO NOTHING;

-- Public holidays (Bavaria) closing the regular offices; the demo desk stays open.
INSERT INTO office_day (office_id, day, note)
SELECT o, d::date, n FROM (VALUES ('kfz'), ('fs'), ('bau'), ('abh')) AS offices(o),
  (VALUES ('2026-12-24', 'Heiligabend'), ('2026-12-25', '1. Weihnachtstag'), ('2026-12-26', '2. Weihnachtstag'),
          ('2026-12-31', 'Silvester'), ('2027-01-01', 'Neujahr'), ('2027-01-06', 'Heilige Drei Könige'),
          ('2027-03-26', 'Karfreitag'), ('2027-03-29', 'Ostermontag'), ('2027-05-01', 'Tag der Arbeit'))
  AS days(d, n)
ON CONFLICT DO NOTHING;
