#!/usr/bin/env bash
# TAP test: scripts/start brings up PostgreSQL, queue service (and Janus when built) with demo data, answers, reuses data on a second run, and SIGTERM leaves nothing behind; also from a checkout in a home folder of mode 0700, as that folder's unprivileged user and as root.
set -uo pipefail

root="${BB_SOURCE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
work="$(mktemp -d)"
chmod 711 "$work"   # as root the database runs as user postgres, who must reach var/pg
log="$work/start.log"
start_pid=""
started=()   # every scripts/start this test started (each leads its own process group)

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

# The unprivileged user of the 0700 home folder, created and removed by this test.
home_user=""

# Stops a still-running start (its whole process group), removes the test's user and the work
# folder (the user's home and the cluster folders of root's run are inside it).
cleanup() {
  local pid
  for pid in "${started[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      sleep 5
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
  done
  if [ -n "$home_user" ] && id "$home_user" >/dev/null 2>&1; then
    userdel "$home_user" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

n=0
ok()     { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/# /'; }

# How scripts/start is run: the source tree's, as the caller (later: a checkout in a 0700 home,
# as its user or as root).
START=("$root/scripts/start")

# Starts scripts/start in its own process group and waits for its "running" banner.
start_stack() {
  : >"$log"
  setsid "${START[@]}" </dev/null >"$log" 2>&1 &
  start_pid=$!
  started+=("$start_pid")
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

# Logs a demo clerk in with the password scripts/start stored in var/ ($2, default BB_VAR_DIR).
login() {
  local pw
  pw="$(awk -v l="$1" '$1 == l { print $2 }' "${2:-$BB_VAR_DIR}/demo-clerks.txt" 2>/dev/null)"
  curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' \
    -d "{\"login\":\"$1\",\"password\":\"$pw\"}" "http://127.0.0.1:$BB_HTTP_PORT/api/v1/clerk/login"
}

echo "1..20"
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

# ---- a checkout in a home folder of mode 0700 (Debian 12's default for new users) -------------
# The checkout holds what scripts/start reads (scripts/, sql/, the npm lock; node_modules is the
# source tree's); it uses the suite's build folder (BB_BUILD_DIR, built already; the user may
# only read it, so scripts/start takes it as it is) and keeps var/ inside the checkout, i.e.
# inside the home folder.
home_user="bbstart$$"
home="$work/home/$home_user"
mkdir -p "$work/home"
chmod 755 "$work/home"
useradd --no-create-home --home-dir "$home" --shell /bin/bash --user-group "$home_user"
install -d -m 700 -o "$home_user" -g "$home_user" "$home"
# As root, the cluster of a var/ that user postgres cannot reach lives in a folder of its own
# (scripts/lib/pg.sh); the test keeps those folders in its work folder.
export BB_PG_HOMES="$work/pg-homes"

# A checkout of the files scripts/start reads, owned by $2.
make_checkout() {
  mkdir -p "$1"
  cp -a "$root/scripts" "$root/sql" "$1/"
  cp -p "$root/package.json" "$root/package-lock.json" "$1/"
  ln -s "$root/node_modules" "$1/node_modules"
  chown -R "$2:" "$1"
}

# janus_url the running service hands to browsers (GET /api/v1/config).
config_janus_url() {
  curl -fsS "http://127.0.0.1:$BB_HTTP_PORT/api/v1/config" 2>/dev/null | python3 -c 'import json, sys; print(json.load(sys.stdin)["janus_url"])' 2>/dev/null
}

# The owner of the running postmaster (first line of postmaster.pid is its pid).
postmaster_user() {
  ps -o user= -p "$(head -n 1 "$1/postmaster.pid" 2>/dev/null)" 2>/dev/null | tr -d ' '
}

user_co="$home/buergerbuero"
make_checkout "$user_co" "$home_user"
# setpriv execs scripts/start itself as the user (runuser would stay in between and, on SIGTERM,
# SIGKILL scripts/start two seconds later, in the middle of its cleanup).
START=(setpriv --reuid="$home_user" --regid="$home_user" --init-groups
       env -u BB_VAR_DIR HOME="$home" USER="$home_user" LOGNAME="$home_user" "$user_co/scripts/start")
what="as an unprivileged user from a checkout in a 0700 home folder"
if start_stack && login schmidt "$user_co/var" 2>/dev/null; then ok "$what: comes up, demo clerk logs in"; else not_ok "$what: comes up, demo clerk logs in" "$(tail -n 40 "$log")"; fi
pg_owner="$(stat -c %U "$user_co/var/pg" 2>/dev/null)"
if [ "$pg_owner" = "$home_user" ] && [ "$(postmaster_user "$user_co/var/pg")" = "$home_user" ]; then
  ok "$what: PostgreSQL runs as that user, its data in var/pg inside the home folder"
else
  not_ok "$what: PostgreSQL runs as that user, its data in var/pg inside the home folder" "owner of var/pg: $pg_owner; postmaster: $(postmaster_user "$user_co/var/pg")"
fi
if [ "$(config_janus_url)" = "ws://localhost:$BB_JANUS_WS_PORT/" ]; then
  ok "$what: /api/v1/config names the Janus it started (port $BB_JANUS_WS_PORT)"
else
  not_ok "$what: /api/v1/config names the Janus it started (port $BB_JANUS_WS_PORT)" "janus_url: $(config_janus_url)"
fi
if stop_stack; then ok "$what: SIGTERM stops it and all its children"; else not_ok "$what: SIGTERM stops it and all its children" "$(tail -n 20 "$log"; pgrep -a -g "$start_pid" || true)"; fi
if [ "$(stat -c '%a %U' "$home")" = "700 $home_user" ]; then ok "$what: the home folder stays 0700"; else not_ok "$what: the home folder stays 0700" "$(stat -c '%a %U' "$home")"; fi

root_co="$home/as-root"
make_checkout "$root_co" root
START=(env -u BB_VAR_DIR "$root_co/scripts/start")
what="as root from a checkout in the same 0700 home folder"
if start_stack && login schmidt "$root_co/var" 2>/dev/null; then ok "$what: comes up, demo clerk logs in"; else not_ok "$what: comes up, demo clerk logs in" "$(tail -n 40 "$log")"; fi
pg_home="$(cat "$root_co/var/pg-home" 2>/dev/null)"
case "$pg_home" in
  "$BB_PG_HOMES"/*)
    if [ "$(stat -c '%a %U' "$pg_home" 2>/dev/null)" = "700 postgres" ] && [ "$(postmaster_user "$pg_home/pg")" = postgres ] \
       && [ ! -e "$root_co/var/pg" ]; then
      ok "$what: PostgreSQL runs as postgres, its data in a folder of its own outside the home folder"
    else
      not_ok "$what: PostgreSQL runs as postgres, its data in a folder of its own outside the home folder" "$(ls -la "$pg_home" 2>&1)"
    fi ;;
  *) not_ok "$what: PostgreSQL runs as postgres, its data in a folder of its own outside the home folder" "var/pg-home: '$pg_home'" ;;
esac
if stop_stack; then ok "$what: SIGTERM stops it and all its children"; else not_ok "$what: SIGTERM stops it and all its children" "$(pgrep -a -g "$start_pid" || true)"; fi
pw_before="$(cat "$root_co/var/demo-clerks.txt" 2>/dev/null)"
if start_stack && login schmidt "$root_co/var" 2>/dev/null && grep -q 'schema up to date' "$log" \
   && [ "$pw_before" = "$(cat "$root_co/var/demo-clerks.txt")" ]; then
  ok "$what: a second run reuses that cluster"
else
  not_ok "$what: a second run reuses that cluster" "$(tail -n 40 "$log")"
fi
stop_stack
rm -rf "${root_co:?}/var"
if start_stack && login schmidt "$root_co/var" 2>/dev/null && grep -q 'earlier var/ whose password is gone' "$log"; then
  ok "$what: after deleting var/ it starts afresh (the old cluster is replaced)"
else
  not_ok "$what: after deleting var/ it starts afresh (the old cluster is replaced)" "$(tail -n 40 "$log")"
fi
stop_stack
