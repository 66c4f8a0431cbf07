-- 011_plugin_instance.sql: Janus plugin instances as the queue service knows them, for crash
-- recovery (docs/internal-api.md). Roll-forward only: never edit after merge; add NNN_name.sql instead.

-- One row per instance name. `boot` is the random id the plugin process sent with its last
-- `hello`: a hello with another boot means the node restarted, and its consultations that the
-- hello does not list are gone. `last_seen` is refreshed by every service instance that holds a
-- connection of the node; a node not seen for plugin_grace_s has its consultations recovered by
-- the janitor.
CREATE TABLE plugin_instance (
    name      text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
    boot      text NOT NULL CHECK (length(boot) BETWEEN 1 AND 64),
    last_seen timestamptz NOT NULL DEFAULT now()
);

-- Tickets held by a node's consultations, found by node (recovery at hello and in the janitor).
CREATE INDEX ticket_held_instance ON ticket (attached_instance) WHERE state IN ('called', 'in_consultation');
