#!/usr/bin/env bash
# TAP test: coturn's config as the container renders it (secret from its file, TLS per BSI TR-02102-2,
# no relay into internal networks), then the real turnserver: compose's health check and openssl probes.
# Runs inside its own network namespace (tests/lib/netns-run), where coturn listens on its production ports.
set -uo pipefail

root="${BB_SOURCE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
if [ -z "${BB_NETNS_NAME:-}" ]; then
  exec "$root/tests/lib/netns-run" bash "${BASH_SOURCE[0]}" "$@"
fi
cd "$root" || exit 1
tmp="$(mktemp -d)"
turn_pid=""
# shellcheck disable=SC2317  # called from the trap
cleanup() {
  if [ -n "$turn_pid" ]; then kill "$turn_pid" 2>/dev/null; wait "$turn_pid" 2>/dev/null; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

n=0
ok()     { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/# /'; }
# expect NAME OUTPUT: passes when OUTPUT is empty (it lists what is wrong).
expect() { if [ -z "$2" ]; then ok "$1"; else not_ok "$1" "$2"; fi; }

echo "1..12"

# --- the entrypoints' secret reader (docker/lib/secrets.sh) -------------------------------------
# shellcheck source=docker/lib/secrets.sh
. docker/lib/secrets.sh
printf 'from-file-0123456789\n' >"$tmp/secret"
printf 'line1\nline2\n' >"$tmp/two-lines"
printf 'windows-0123456789\r\n' >"$tmp/crlf"
: >"$tmp/empty"
problems=""
[ "$(X_FILE="$tmp/secret" bb_secret X 2>/dev/null)" = "from-file-0123456789" ] || problems="$problems; file not read"
[ "$(X=from-env bb_secret X 2>/dev/null)" = "from-env" ] || problems="$problems; variable not read"
for bad in "X=a X_FILE=$tmp/secret" "X_FILE=$tmp/empty" "X_FILE=$tmp/missing" "X_FILE=$tmp/two-lines" "X_FILE=$tmp/crlf" ""; do
  # shellcheck disable=SC2086  # word splitting of the assignments is intended
  if out="$(env $bad sh -c '. docker/lib/secrets.sh; bb_secret X' 2>&1)"; then
    problems="$problems; accepted: '$bad'"
  elif printf '%s' "$out" | grep -q 'from-file\|windows\|line1'; then
    problems="$problems; the message repeats the secret: '$bad'"
  fi
done
[ -z "$(bb_secret_optional UNSET_SECRET 2>&1)" ] || problems="$problems; optional secret not optional"
expect "secrets come from NAME_FILE or NAME, one line, never both, never repeated in messages" "${problems#; }"

# --- the rendered config -----------------------------------------------------------------------
secret="$(openssl rand -hex 32)"
printf '%s\n' "$secret" >"$tmp/turn_secret"
mkdir -p "$tmp/tls"
openssl req -x509 -newkey rsa:3072 -sha256 -days 2 -nodes -subj /CN=turn.test \
  -keyout "$tmp/tls/privkey.pem" -out "$tmp/tls/fullchain.pem" 2>/dev/null
: >"$tmp/openssl-client.cnf"

render() {
  env -i PATH="$PATH" BB_PUBLIC_HOST=turn.test BB_PUBLIC_IP=203.0.113.10 "$@" sh docker/coturn/render-turnserver-conf
}
if render BB_TURN_SECRET="$(BB_TURN_SECRET_FILE="$tmp/turn_secret" bb_secret BB_TURN_SECRET)" \
     BB_COTURN_TLS_DIR="$tmp/tls" >"$tmp/turnserver.conf" 2>"$tmp/render.err"; then
  ok "turnserver.conf renders from the settings and the secret's file"
else
  not_ok "turnserver.conf renders from the settings and the secret's file" "$(cat "$tmp/render.err")"
fi
conf="$tmp/turnserver.conf"
has() { grep -qxF -- "$1" "$conf" || printf 'missing: %s\n' "$1"; }

expect "TLS per TR-02102-2: no TLS 1.0/1.1 or DTLS 1.0, ECDHE with AES-GCM only, curve P-256" "$(
  has no-tlsv1; has no-tlsv1_1
  has 'cipher-list="ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384"'
  has ec-curve-name=prime256v1
  has "cert=$tmp/tls/fullchain.pem"; has "pkey=$tmp/tls/privkey.pem"
  grep -nE '^(no-tlsv1_2|no-tls|no-dtls)$|CHACHA|CBC|SHA1|DEFAULT|ALL' "$conf")"

expect "time-limited credentials from the shared secret only: no static users, no CLI" "$(
  has use-auth-secret; has "static-auth-secret=$secret"; has fingerprint; has no-cli
  grep -nE '^(user|lt-cred-mech|userdb|psql-userdb|cli-password|allow-loopback-peers)' "$conf")"

expect "no relaying into private, loopback, link-local, CGNAT or multicast networks" "$(
  for r in 0.0.0.0-0.255.255.255 10.0.0.0-10.255.255.255 100.64.0.0-100.127.255.255 127.0.0.0-127.255.255.255 \
           169.254.0.0-169.254.255.255 172.16.0.0-172.31.255.255 192.168.0.0-192.168.255.255 ::1 \
           fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff; do
    has "denied-peer-ip=$r"
  done
  has no-multicast-peers)"

problems=""
render BB_TURN_SECRET="$secret" >"$tmp/no-tls.conf" 2>/dev/null || problems="refused without a certificate"
grep -qx no-tls "$tmp/no-tls.conf" && grep -qx no-dtls "$tmp/no-tls.conf" || problems="$problems; TLS/DTLS not off without a certificate"
render BB_TURN_SECRET='has space 0123456789' >/dev/null 2>&1 && problems="$problems; a secret with a space was accepted"
render BB_TURN_SECRET="$secret" BB_PUBLIC_IP='1.2.3.4
relay-ip=10.0.0.1' >/dev/null 2>&1 && problems="$problems; a second line in BB_PUBLIC_IP was accepted"
render BB_TURN_SECRET="$secret" BB_TURN_PORT_MIN=50000 BB_TURN_PORT_MAX=49000 >/dev/null 2>&1 && problems="$problems; min port above max port accepted"
expect "without a certificate TLS and DTLS are off; bad values are refused" "${problems#; }"

# --- the real turnserver -----------------------------------------------------------------------
turnserver -c "$conf" --pidfile "$tmp/turnserver.pid" --userdb "$tmp/turndb" >"$tmp/turnserver.log" 2>&1 &
turn_pid=$!
listening() { ss -H -ltn 'sport = :5349' | grep -q . && ss -H -lun 'sport = :3478' | grep -q .; }
for _ in $(seq 1 100); do
  listening && break
  kill -0 "$turn_pid" 2>/dev/null || break
  sleep 0.1
done
if listening; then ok "turnserver starts with the rendered config"; else not_ok "turnserver starts with the rendered config" "$(tail -n 20 "$tmp/turnserver.log")"; fi

# The health check exactly as docker-compose.yml declares it for coturn.
hc="$(python3 -c '
import sys, yaml
print(yaml.safe_load(open(sys.argv[1]))["services"]["coturn"]["healthcheck"]["test"][1])' docker-compose.yml)"
if timeout 10 sh -c "$hc"; then ok "compose's health check passes against the running coturn ($hc)"; else not_ok "compose's health check passes against the running coturn ($hc)"; fi

# openssl s_client against coturn's TLS/DTLS port, client limits lifted (see web-front.test.mjs).
probe() {
  OPENSSL_CONF="$tmp/openssl-client.cnf" timeout 3 openssl s_client -connect 127.0.0.1:5349 "$@" </dev/null 2>&1
}
accepted() { grep -Eq 'Cipher is [A-Z]' <<<"$1"; }
problems=""
out="$(probe -tls1_1 -cipher 'DEFAULT@SECLEVEL=0')"; accepted "$out" && problems="$problems; TLS 1.1 accepted"
out="$(probe -tls1 -cipher 'DEFAULT@SECLEVEL=0')"; accepted "$out" && problems="$problems; TLS 1.0 accepted"
out="$(probe -dtls1 -cipher 'DEFAULT@SECLEVEL=0')"; accepted "$out" && problems="$problems; DTLS 1.0 accepted"
expect "coturn refuses TLS 1.0, TLS 1.1 and DTLS 1.0" "${problems#; }"

problems=""
out="$(probe -tls1_2)"
grep -Eq 'Cipher is ECDHE-RSA-AES(128|256)-GCM-SHA(256|384)' <<<"$out" || problems="$problems; TLS 1.2: $(grep 'Cipher is' <<<"$out")"
grep -q 'Server Temp Key: ECDH, prime256v1' <<<"$out" || problems="$problems; TLS 1.2 not on P-256"
out="$(probe -dtls1_2)"
grep -Eq 'Cipher is ECDHE-RSA-AES(128|256)-GCM-SHA(256|384)' <<<"$out" || problems="$problems; DTLS 1.2: $(grep 'Cipher is' <<<"$out")"
expect "coturn accepts TLS 1.2 and DTLS 1.2 with ECDHE, AES-GCM and P-256" "${problems#; }"

problems=""
for c in ECDHE-RSA-CHACHA20-POLY1305 ECDHE-RSA-AES128-SHA256 ECDHE-RSA-AES256-SHA AES128-GCM-SHA256; do
  out="$(probe -tls1_2 -cipher "$c@SECLEVEL=0")"; accepted "$out" && problems="$problems; $c accepted"
done
out="$(probe -tls1_2 -groups X25519)"; accepted "$out" && problems="$problems; X25519 accepted"
out="$(probe -dtls1_2 -groups X25519)"; accepted "$out" && problems="$problems; X25519 accepted over DTLS"
# coturn 4.6.1 (Debian 12) completes no TLS 1.3 handshake at all; should a later one, ChaCha20
# and X25519 must still be refused there.
out="$(probe -tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256)"; accepted "$out" && problems="$problems; TLS 1.3 ChaCha20 accepted"
out="$(probe -tls1_3 -groups X25519)"; accepted "$out" && problems="$problems; TLS 1.3 X25519 accepted"
expect "coturn refuses ChaCha20, CBC, static RSA and X25519" "${problems#; }"

kill "$turn_pid" 2>/dev/null; wait "$turn_pid" 2>/dev/null; turn_pid=""
if timeout 3 sh -c "$hc" >/dev/null 2>&1; then not_ok "the health check fails once coturn is gone"; else ok "the health check fails once coturn is gone"; fi
