#!/bin/sh
# Container entry of coturn: render turnserver.conf from env (shared-secret credentials, relay range, TLS), drop root, run.
set -eu

: "${BB_TURN_SECRET:?BB_TURN_SECRET is required}"
: "${BB_PUBLIC_HOST:?BB_PUBLIC_HOST is required}"
: "${BB_PUBLIC_IP:?BB_PUBLIC_IP is required}"
min="${BB_TURN_PORT_MIN:-49160}"
max="${BB_TURN_PORT_MAX:-49200}"

run=/run/coturn
mkdir -p "$run"
conf="$run/turnserver.conf"
umask 077

# Credentials are time-limited HMACs of the shared secret (TURN REST API), never static passwords.
# Relaying into private, loopback and link-local networks is refused: the TURN server must not
# become a way into the county's internal network.
cat >"$conf" <<CONF
listening-port=3478
tls-listening-port=5349
external-ip=$BB_PUBLIC_IP
realm=$BB_PUBLIC_HOST
use-auth-secret
static-auth-secret=$BB_TURN_SECRET
fingerprint
min-port=$min
max-port=$max
no-cli
no-multicast-peers
no-tlsv1
no-tlsv1_1
denied-peer-ip=0.0.0.0-0.255.255.255
denied-peer-ip=10.0.0.0-10.255.255.255
denied-peer-ip=100.64.0.0-100.127.255.255
denied-peer-ip=127.0.0.0-127.255.255.255
denied-peer-ip=169.254.0.0-169.254.255.255
denied-peer-ip=172.16.0.0-172.31.255.255
denied-peer-ip=192.168.0.0-192.168.255.255
denied-peer-ip=::1
denied-peer-ip=fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff
denied-peer-ip=fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff
log-file=stdout
simple-log
CONF

# TLS (turns:) when the web front's certificate is mounted; copied so the unprivileged user can read it.
tls=/etc/buergerbuero/tls
if [ -s "$tls/fullchain.pem" ] && [ -s "$tls/privkey.pem" ]; then
  cp "$tls/fullchain.pem" "$tls/privkey.pem" "$run/"
  printf 'cert=%s/fullchain.pem\npkey=%s/privkey.pem\n' "$run" "$run" >>"$conf"
else
  echo "coturn-entrypoint: no certificate in $tls: TURN over TLS (port 5349) disabled" >&2
  echo "no-tls" >>"$conf"
fi

chown -R turnserver:turnserver "$run"
exec setpriv --reuid=turnserver --regid=turnserver --init-groups \
  turnserver -c "$conf" --pidfile "$run/turnserver.pid" "$@"
