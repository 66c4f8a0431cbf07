#!/bin/sh
# Container entry of coturn: read the TURN secret from its file, render turnserver.conf (render-turnserver-conf), drop root, run.
set -eu
# shellcheck source=docker/lib/secrets.sh
. /usr/local/lib/buergerbuero/secrets.sh

BB_TURN_SECRET="$(bb_secret BB_TURN_SECRET)"
unset BB_TURN_SECRET_FILE

run=/run/coturn
mkdir -p "$run"
umask 077

# TLS (turns:) when the web front's certificate is mounted; copied so the unprivileged user can read it.
tls=/etc/buergerbuero/tls
BB_COTURN_TLS_DIR=""
if [ -s "$tls/fullchain.pem" ] && [ -s "$tls/privkey.pem" ]; then
  cp "$tls/fullchain.pem" "$tls/privkey.pem" "$run/"
  BB_COTURN_TLS_DIR="$run"
else
  echo "coturn-entrypoint: no certificate in $tls: TURN over TLS (port 5349) disabled" >&2
fi

BB_TURN_SECRET="$BB_TURN_SECRET" BB_COTURN_TLS_DIR="$BB_COTURN_TLS_DIR" \
  /usr/local/bin/render-turnserver-conf >"$run/turnserver.conf"
unset BB_TURN_SECRET

chown -R turnserver:turnserver "$run"
exec setpriv --reuid=turnserver --regid=turnserver --init-groups \
  turnserver -c "$run/turnserver.conf" --pidfile "$run/turnserver.pid" "$@"
