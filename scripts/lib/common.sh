# Shared shell helpers for scripts/*: messages, root/sudo, repository paths, secrets, ports.
# shellcheck shell=bash
# Sourced, never executed. Callers set `set -euo pipefail` themselves.

BB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BB_VAR="${BB_VAR_DIR:-$BB_ROOT/var}"

# Messages go to stderr so that scripts can keep stdout for results (and .ci/run for the summary).
bb_step() { printf '==> %s\n' "$*" >&2; }
bb_info() { printf '    %s\n' "$*" >&2; }
bb_warn() { printf 'WARNING: %s\n' "$*" >&2; }
bb_die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

bb_is_root() { [ "$(id -u)" -eq 0 ]; }

# Runs a command with root rights: directly when root, through sudo otherwise (with a clear
# error when sudo is missing, instead of a cryptic "command not found").
bb_as_root() {
  if bb_is_root; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    bb_die "need root rights for: $* (install sudo or run as root)"
  fi
}

# A random hex string from the kernel CSPRNG; 32 bytes = 256 bit by default.
bb_random_hex() {
  od -An -N"${1:-32}" -tx1 /dev/urandom | tr -d ' \n'
}

# Creates var/ (secrets, database, logs). Mode 711: the PostgreSQL user may pass through to
# var/pg but not list the folder; each secret file is mode 600 on top.
bb_var_init() {
  mkdir -p "$BB_VAR/log"
  chmod 711 "$BB_VAR"
}

# Returns the secret stored in var/<name>, creating it (mode 600) on first use, so that a
# second run of scripts/start reuses the same value and existing sessions/configs stay valid.
bb_secret() {
  local file="$BB_VAR/$1"
  if [ ! -s "$file" ]; then
    bb_var_init
    (umask 077 && bb_random_hex 32 >"$file.tmp" && mv "$file.tmp" "$file")
  fi
  chmod 600 "$file"
  cat "$file"
}

# True when something listens on the TCP port (any address). Uses ss from iproute2.
bb_port_busy() {
  ss -Hltn "( sport = :$1 )" 2>/dev/null | grep -q .
}

# Polls a URL until it answers with HTTP 2xx or the timeout (seconds) passes.
bb_wait_http() {
  local url="$1" timeout="${2:-30}" i=0
  while [ "$i" -lt $((timeout * 5)) ]; do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
      return 0
    fi
    sleep 0.2
    i=$((i + 1))
  done
  return 1
}
