#!/usr/bin/env bash
# TAP test: scripts/start brings up PostgreSQL, queue service (and Janus when built) with demo data, answers, reuses data on a second run, and SIGTERM leaves nothing behind.
set -uo pipefail

root="${BB_SOURCE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
work="$(mktemp -d)"
chmod 711 "$work"   # as root the database runs as user postgres, who must reach var/pg
log="$work/start.log"
start_pid=""

# A free TCP port on 127.0.0.1, chosen by the kernel.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

export BB_VAR_DIR="$work/var"
export BB_BUILD_DIR="${BB_BUILD_ROOT:-$root/build}"
BB_HTTP_PORT="$(free_port)"; BB_INTERNAL_PORT="$(free_port)"; BB_JANUS_WS_PORT="$(free_port)"
BB_JANUS_HTTP_PORT="$(free_port)"; BB_JANUS_ADMIN_PORT="$(free_port)"; BB_PG_PORT="$(free_port)"
export BB_HTTP_PORT BB_INTERNAL_PORT BB_JANUS_WS_PORT BB_JANUS_HTTP_PORT BB_JANUS_ADMIN_PORT BB_PG_PORT
export BB_HTTP_BIND=127.0.0.1

# Stops a still-running start (its whole process group) and removes the work folder.
cleanup() {
  if [ -n "$start_pid" ] && kill -0 "$start_pid" 2>/dev/null; then
    kill -TERM "$start_pid" 2>/dev/null || true
    sleep 5
    kill -KILL -- "-$start_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

n=0
ok()     { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/# /'; }

# Starts scripts/start in its own process group and waits for its "running" banner.
start_stack() {
  : >"$log"
  setsid "$root/scripts/start" </dev/null >"$log" 2>&1 &
  start_pid=$!
  local i
  for ((i = 0; i < 600; i++)); do
    grep -q 'Bürgerbüro is running' "$log" && return 0
    kill -0 "$start_pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

# Sends SIGTERM and checks that start and everything in its process group end within 30 s.
stop_stack() {
  kill -TERM "$start_pid" 2>/dev/null
  local i
  for ((i = 0; i < 150; i++)); do
    if ! kill -0 "$start_pid" 2>/dev/null && [ -z "$(pgrep -g "$start_pid" || true)" ]; then
      return 0
    fi
    sleep 0.2
  done
  return 1
}

login() {
  local pw
  pw="$(awk -v l="$1" '$1 == l { print $2 }' "$BB_VAR_DIR/demo-clerks.txt" 2>/dev/null)"
  curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' \
    -d "{\"login\":\"$1\",\"password\":\"$pw\"}" "http://127.0.0.1:$BB_HTTP_PORT/api/v1/clerk/login"
}

echo "1..10"
if start_stack; then ok "scripts/start comes up"; else not_ok "scripts/start comes up" "$(tail -n 40 "$log")"; fi
if curl -fsS -o /dev/null "http://127.0.0.1:$BB_HTTP_PORT/healthz" 2>/dev/null; then ok "/healthz answers 200"; else not_ok "/healthz answers 200"; fi
if curl -fsS "http://127.0.0.1:$BB_HTTP_PORT/api/v1/offices" 2>/dev/null | grep -q '"demo"'; then
  ok "/api/v1/offices lists the demo offices"
else
  not_ok "/api/v1/offices lists the demo offices"
fi
if login schmidt 2>/dev/null; then ok "demo clerk schmidt logs in with the printed password"; else not_ok "demo clerk schmidt logs in with the printed password"; fi
if grep -q 'Janus WebSocket' "$log"; then
  if curl -fsS -o /dev/null "http://127.0.0.1:$BB_JANUS_HTTP_PORT/janus/info" 2>/dev/null; then ok "Janus answers"; else not_ok "Janus answers"; fi
else
  ok "Janus answers # SKIP plugin not built"
fi
if "$root/scripts/start" </dev/null >"$work/second.log" 2>&1; then
  not_ok "a second scripts/start on the same ports is refused"
elif grep -q 'in use' "$work/second.log"; then
  ok "a second scripts/start on the same ports is refused"
else
  not_ok "a second scripts/start on the same ports is refused" "$(tail -n 5 "$work/second.log")"
fi
if stop_stack; then ok "SIGTERM stops start and all its children"; else not_ok "SIGTERM stops start and all its children" "$(pgrep -a -g "$start_pid" || true)"; fi
if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$BB_HTTP_PORT/healthz" 2>/dev/null \
   || (exec 3<>"/dev/tcp/127.0.0.1/$BB_PG_PORT") 2>/dev/null; then
  not_ok "queue service and PostgreSQL ports are closed after stop"
else
  ok "queue service and PostgreSQL ports are closed after stop"
fi
pw_before="$(cat "$BB_VAR_DIR/demo-clerks.txt" 2>/dev/null)"
if start_stack && login schmidt 2>/dev/null && [ "$pw_before" = "$(cat "$BB_VAR_DIR/demo-clerks.txt")" ] \
   && grep -q 'schema up to date' "$log"; then
  ok "a second run reuses database and demo passwords"
else
  not_ok "a second run reuses database and demo passwords" "$(tail -n 40 "$log")"
fi
if stop_stack; then ok "second run stops cleanly"; else not_ok "second run stops cleanly"; fi
