-- 014_ldap.sql: clerks who sign in with the county's directory (LDAP / Active Directory;
-- docs/operations.md "Sign-in with the county directory").
-- Roll-forward only: never edit after merge; add NNN_name.sql instead.

-- Where the clerk's password is checked (protocol/values.json clerk_auth): 'local' against the
-- argon2id hash here, 'ldap' by the directory. A directory clerk's row is made at the first
-- sign-in and its name, role and offices are copied from the directory at every sign-in; it
-- stores no password, so only local clerks need a hash.
ALTER TABLE clerk ADD COLUMN auth text NOT NULL DEFAULT 'local' CHECK (auth IN ('local', 'ldap'));
ALTER TABLE clerk ALTER COLUMN password_hash DROP NOT NULL;
ALTER TABLE clerk ADD CONSTRAINT clerk_local_has_password CHECK (auth <> 'local' OR password_hash IS NOT NULL);
