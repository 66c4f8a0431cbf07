#!/usr/bin/env bash
# TAP test: every shell script in the repository parses (bash -n / sh -n) and passes shellcheck at warning level.
set -euo pipefail

root="${BB_SOURCE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
cd "$root"

# Shell scripts: *.sh files, and files whose first line is a sh/bash shebang, outside generated folders.
mapfile -t scripts < <(
  find . \( -path ./node_modules -o -path ./build -o -path ./var -o -path ./.git \
            -o -path './build-*' -o -path ./tests/artifacts \) -prune -o -type f -print \
  | sort | while IFS= read -r f; do
      case "${f##*/}" in
        *.sh) printf '%s\n' "$f" ;;
        *.*) ;;
        *) head -n 1 "$f" 2>/dev/null | grep -Eq '^#!.*[/ ](ba)?sh( |$)' && printf '%s\n' "$f" ;;
      esac
    done || true)

have_shellcheck=0
command -v shellcheck >/dev/null 2>&1 && have_shellcheck=1
ci=0
case "${CI:-}" in 1 | true | yes) ci=1 ;; esac

echo "1..$(( ${#scripts[@]} * 2 ))"
n=0
for f in "${scripts[@]}"; do
  n=$((n + 1))
  # Scripts with a POSIX sh shebang are parsed by sh, everything else by bash.
  parser=bash
  head -n 1 "$f" | grep -Eq '^#!.*/sh( |$)' && parser="sh"
  if out="$("$parser" -n "$f" 2>&1)"; then
    echo "ok $n - $parser -n $f"
  else
    echo "not ok $n - $parser -n $f"
    printf '%s\n' "$out" | sed 's/^/# /'
  fi
  n=$((n + 1))
  if [ "$have_shellcheck" = 0 ]; then
    if [ "$ci" = 1 ]; then
      echo "not ok $n - shellcheck $f # shellcheck missing (scripts/install-deps installs it)"
    else
      echo "ok $n - shellcheck $f # SKIP shellcheck not installed"
    fi
  elif out="$(shellcheck -x -S warning "$f" 2>&1)"; then
    echo "ok $n - shellcheck $f"
  else
    echo "not ok $n - shellcheck $f"
    printf '%s\n' "$out" | sed 's/^/# /'
  fi
done
