# Private PostgreSQL cluster helpers (no system service): init, start, stop, psql, as an unprivileged user.
# shellcheck shell=bash
# Sourced after common.sh. Layout: $PG_DATA (cluster), $PG_RUN (socket), $PG_LOG, password in
# var/pg-password; where they are is decided by pg_locate.

PG_BIN="${BB_PG_BIN:-$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n1)}"
PG_PORT="${BB_PG_PORT:-5433}"
PG_DATA="$BB_VAR/pg"
PG_RUN="$BB_VAR/pg-run"
PG_LOG="$BB_VAR/log/postgresql.log"
PG_DB="${BB_PG_DATABASE:-buergerbuero}"
PG_APP_USER="${BB_PG_USER:-buergerbuero}"
# As root, for a var/ that the `postgres` user cannot reach: one folder per var/ under here.
PG_HOMES="${BB_PG_HOMES:-/var/lib/buergerbuero}"
PG_HOME=""
PG_HOME_FILE="$BB_VAR/pg-home"

# initdb refuses root, so as root the server runs as Debian's `postgres` system user;
# otherwise as the invoking user.
if bb_is_root; then PG_OS_USER="postgres"; else PG_OS_USER="$(id -un)"; fi

# Decides where the cluster lives. As the invoking user: in var/, like everything else. As root
# the server runs as `postgres`, who must enter its folders: var/pg when postgres can reach var/
# (e.g. a checkout under /opt or /srv); otherwise — a checkout in a home folder of mode 0700,
# Debian 12's default — a folder of its own, $PG_HOMES/<hash of the var/ path>, owned by postgres,
# so that nobody has to open the home folder. var/pg-home names that folder; a cluster there
# without that file belongs to a var/ deleted since (its password went with it) and is replaced.
pg_locate() {
  bb_is_root || return 0
  id "$PG_OS_USER" >/dev/null 2>&1 || bb_die "system user $PG_OS_USER missing (is the postgresql package installed?)"
  if runuser -u "$PG_OS_USER" -- test -x "$BB_VAR" 2>/dev/null; then
    return 0
  fi
  PG_HOME="$PG_HOMES/$(printf '%s' "$BB_VAR" | sha256sum | cut -c1-16)"
  PG_DATA="$PG_HOME/pg"
  PG_RUN="$PG_HOME/run"
  PG_LOG="$PG_HOME/postgresql.log"
}

pg_as_owner() {
  if bb_is_root; then
    runuser -u "$PG_OS_USER" -- "$@"
  else
    "$@"
  fi
}

# Creates the cluster once: scram passwords for TCP and socket, loopback only, private socket dir.
pg_init() {
  [ -x "$PG_BIN/initdb" ] || bb_die "PostgreSQL binaries not found (expected /usr/lib/postgresql/*/bin; run scripts/install-deps)"
  bb_var_init
  local password
  password="$(bb_secret pg-password)"
  pg_locate
  if [ -n "$PG_HOME" ]; then
    pg_prepare_home
  fi
  if [ -f "$PG_DATA/PG_VERSION" ]; then
    return 0
  fi
  bb_step "Creating a private PostgreSQL cluster in ${PG_DATA#"$BB_ROOT"/} (runs as user $PG_OS_USER)"
  rm -rf "$PG_DATA"
  mkdir -p "$PG_DATA" "$PG_RUN"
  chmod 700 "$PG_DATA" "$PG_RUN"
  local pwfile
  pwfile="$(mktemp)"
  printf '%s\n' "$password" >"$pwfile"
  if bb_is_root; then
    chown "$PG_OS_USER:" "$PG_DATA" "$PG_RUN" "$pwfile"
    touch "$PG_LOG" && chown "$PG_OS_USER:" "$PG_LOG"
  fi
  pg_as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --pwfile="$pwfile" \
    --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null \
    || { rm -f "$pwfile"; bb_die "initdb failed"; }
  rm -f "$pwfile"
  pg_as_owner tee -a "$PG_DATA/postgresql.conf" >/dev/null <<CONF
# Bürgerbüro private cluster (written by scripts/lib/pg.sh)
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_RUN'
unix_socket_permissions = 0700
CONF
}

# The cluster's own folder outside var/ (root only, see pg_locate): /var/lib/buergerbuero stays
# root's (mode 755), the cluster's folder is postgres's alone (700).
pg_prepare_home() {
  if [ -f "$PG_DATA/PG_VERSION" ] && [ "$(cat "$PG_HOME_FILE" 2>/dev/null)" != "$PG_HOME" ]; then
    bb_step "Replacing the cluster in $PG_HOME: it belongs to an earlier var/ whose password is gone"
    pg_stop
    rm -rf "$PG_HOME"
  fi
  install -d -m 755 -o root -g root "$PG_HOMES"
  install -d -m 700 -o "$PG_OS_USER" -g "$(id -gn "$PG_OS_USER")" "$PG_HOME"
  printf '%s\n' "$PG_HOME" >"$PG_HOME_FILE"
}

pg_is_running() {
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

# Starts the server on $PG_PORT and waits until it accepts connections.
pg_start() {
  if bb_is_root; then
    mkdir -p "$PG_RUN" && chmod 700 "$PG_RUN" && chown "$PG_OS_USER:" "$PG_RUN"
    touch "$PG_LOG" && chown "$PG_OS_USER:" "$PG_LOG"
  fi
  bb_step "Starting PostgreSQL on 127.0.0.1:$PG_PORT (log: ${PG_LOG#"$BB_ROOT"/})"
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -o "-p $PG_PORT" -w -t 60 start >/dev/null \
    || bb_die "PostgreSQL did not start; see $PG_LOG"
}

pg_stop() {
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
}

# psql as the cluster superuser over TCP; extra arguments are passed on.
pg_psql_admin() {
  PGPASSWORD="$(cat "$BB_VAR/pg-password")" psql -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"
}

# libpq conninfo for the application role (password included: callers pass it by environment only).
pg_app_conninfo() {
  printf 'host=127.0.0.1 port=%s dbname=%s user=%s password=%s' \
    "$PG_PORT" "$PG_DB" "$PG_APP_USER" "$(cat "$BB_VAR/pg-password")"
}

# Creates the application role and database once (owner = application role, so trusted
# extensions such as btree_gist and pgcrypto can be created by migrations).
pg_ensure_database() {
  local password
  password="$(cat "$BB_VAR/pg-password")"
  if [ -z "$(pg_psql_admin -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$PG_APP_USER'")" ]; then
    bb_step "Creating database role $PG_APP_USER"
    # Through stdin: psql interpolates :'pw' there (not in -c), which quotes the password.
    printf 'CREATE ROLE "%s" LOGIN PASSWORD :%s;\n' "$PG_APP_USER" "'pw'" \
      | pg_psql_admin -d postgres -v pw="$password" >/dev/null
  fi
  if [ -z "$(pg_psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" ]; then
    bb_step "Creating database $PG_DB"
    pg_psql_admin -d postgres -c "CREATE DATABASE \"$PG_DB\" OWNER \"$PG_APP_USER\"" >/dev/null
  fi
}
