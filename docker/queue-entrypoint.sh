#!/bin/sh
# Container entry of the queue service: secrets from their files into private files for user bb, wait for PostgreSQL and migrate, then serve as bb.
set -eu
# shellcheck source=docker/lib/secrets.sh
. /usr/local/lib/buergerbuero/secrets.sh

: "${BB_DATABASE_URL:?BB_DATABASE_URL is required}"
run=/run/buergerbuero
conf="$run/queue.conf"
mkdir -p "$run"
chmod 755 "$run"
umask 077

# Secrets never go into the service's environment (visible in `docker inspect` and /proc):
# the database password into a libpq password file (BB_DATABASE_URL names it with passfile=),
# the others into a config file read with --config. Both belong to bb, mode 600.
db_password="$(bb_secret BB_DATABASE_PASSWORD)"
internal_secret="$(bb_secret BB_INTERNAL_SECRET)"
turn_secret="$(bb_secret_optional BB_TURN_SECRET)"
# The directory's service account (clerk sign-in with LDAP; docs/operations.md): optional.
ldap_bind_password="$(bb_secret_optional BB_LDAP_BIND_PASSWORD)"
# The SMTP URL with a login comes from its secret's file and then replaces BB_SMTP_URL; an empty
# file means the relay takes mail without login and BB_SMTP_URL alone is used.
smtp_url=""
if [ -n "${BB_SMTP_URL_FILE:-}" ] && [ -s "$BB_SMTP_URL_FILE" ]; then
  smtp_url="$(BB_SMTP_URL="" bb_secret BB_SMTP_URL)"
fi
# Values are written between double quotes; the config format has no escapes, so refuse them.
for v in "$internal_secret" "$turn_secret" "$smtp_url" "$ldap_bind_password"; do
  case "$v" in *'"'*) echo "queue-entrypoint: secrets must not contain double quotes" >&2; exit 1 ;; esac
done
# pgpass: any host, port, database and user; ':' and '\' in the password are escaped.
printf '*:*:*:*:%s\n' "$(printf '%s' "$db_password" | sed 's/[\\:]/\\&/g')" >"$run/pgpass"
{
  echo "# Written by queue-entrypoint from the secrets' files; see docs/operations.md (Secrets)."
  echo "internal_secret = \"$internal_secret\""
  [ -z "$turn_secret" ] || echo "turn_secret = \"$turn_secret\""
  [ -z "$smtp_url" ] || echo "smtp_url = \"$smtp_url\""
  [ -z "$ldap_bind_password" ] || echo "ldap_bind_password = \"$ldap_bind_password\""
} >"$conf"
chown bb:bb "$run/pgpass" "$conf"
unset db_password internal_secret turn_secret ldap_bind_password BB_DATABASE_PASSWORD BB_DATABASE_PASSWORD_FILE \
  BB_INTERNAL_SECRET BB_INTERNAL_SECRET_FILE BB_TURN_SECRET BB_TURN_SECRET_FILE BB_SMTP_URL_FILE \
  BB_LDAP_BIND_PASSWORD BB_LDAP_BIND_PASSWORD_FILE
# The environment overrides the config file, even when empty: the URL from the file must win.
[ -z "$smtp_url" ] || unset BB_SMTP_URL
unset smtp_url

as_bb() { setpriv --reuid=bb --regid=bb --init-groups -- "$@"; }

# PostgreSQL may still be starting: retry migrate for 60 s.
tries=0
until as_bb /usr/bin/buergerbuero-queue --config "$conf" migrate; do
  tries=$((tries + 1))
  if [ "$tries" -ge 30 ]; then
    echo "queue-entrypoint: database not reachable or migrations failed; giving up" >&2
    exit 1
  fi
  sleep 2
done

exec setpriv --reuid=bb --regid=bb --init-groups -- /usr/bin/buergerbuero-queue --config "$conf" serve "$@"
