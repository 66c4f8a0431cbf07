# secrets.sh: reads a secret from NAME_FILE (a compose secret under /run/secrets) or, for local
# use, from the variable NAME itself; sourced by the containers' entrypoints.
# shellcheck shell=sh

# bb_secret NAME: prints the secret (without the file's trailing newline). Fails, naming the
# variable but never the value, when neither or both are set, the file is unreadable or empty,
# or the value has more than one line.
bb_secret() {
  _bb_name="$1"
  eval "_bb_value=\${$_bb_name:-}; _bb_file=\${${_bb_name}_FILE:-}"
  if [ -n "$_bb_value" ] && [ -n "$_bb_file" ]; then
    echo "secrets: set $_bb_name or ${_bb_name}_FILE, not both" >&2
    return 1
  fi
  if [ -n "$_bb_file" ]; then
    if [ ! -r "$_bb_file" ]; then
      echo "secrets: ${_bb_name}_FILE: cannot read $_bb_file" >&2
      return 1
    fi
    _bb_value="$(cat "$_bb_file")"
  fi
  if [ -z "$_bb_value" ]; then
    echo "secrets: $_bb_name is required (${_bb_name}_FILE names the file holding it)" >&2
    return 1
  fi
  case "$_bb_value" in
    *'
'*) echo "secrets: $_bb_name must be one line" >&2; return 1 ;;
    *"$(printf '\r')"*) echo "secrets: $_bb_name contains a carriage return (a file saved with Windows line ends?)" >&2; return 1 ;;
  esac
  printf '%s' "$_bb_value"
}

# bb_secret_optional NAME: like bb_secret, but nothing set at all prints nothing and succeeds.
bb_secret_optional() {
  eval "_bb_any=\${$1:-}\${${1}_FILE:-}"
  [ -z "$_bb_any" ] || bb_secret "$1"
}
