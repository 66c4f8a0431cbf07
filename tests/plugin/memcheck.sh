#!/usr/bin/env bash
# memcheck.sh: runs the plugin signalling suite with Janus under valgrind and fails on any memory
# error or definite/indirect leak in the Janus process (plugin or core objects the plugin holds).
# Usage: tests/plugin/memcheck.sh   (env as in meson: BB_PLUGIN_SO, BB_QUEUE_BIN, BB_SOURCE_ROOT, ...)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v valgrind >/dev/null || { echo "1..0 # SKIP valgrind not installed"; exit 0; }
out="$(mktemp -d /tmp/bb-memcheck-XXXXXX)"
export BB_JANUS_WRAPPER="valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect --num-callers=40 --error-limit=no --log-file=$out/valgrind-%p.log"
# valgrind makes Janus ~20x slower: give requests more time
export BB_TEST_SLOW=1
set +e
node --test --test-reporter=tap "$@" "$here/signalling.test.mjs"
rc=$?
set -e
# One valgrind log per process. A report block starts with "==pid== <headline>" and ends at an
# empty "==pid==" line. Any memory error or definite/indirect leak fails the run, not only those
# with a plugin frame: a wrong reference count in the plugin (e.g. on janus_plugin_session) shows
# up as a leak of Janus's own objects (attach/detach with a stock plugin leaves none).
ls "$out"/valgrind-*.log >/dev/null 2>&1 || { echo "# memcheck: Janus did not run under valgrind" >&2; exit 1; }
ours=0
for log in "$out"/valgrind-*.log; do
  [ -f "$log" ] || continue
  n=$(awk '
    /^==[0-9]+== $/ { if (block ~ /(Invalid|uninitialised|definitely lost in|indirectly lost in|Mismatched|overlap|Syscall param)/) { print block; found++ } block=""; next }
    { block = block $0 "\n" }
    END { print "#COUNT " found+0 }' "$log" | tee -a "$out/ours.txt" | sed -n 's/^#COUNT //p')
  ours=$((ours + n))
done
summary=$(grep -h "ERROR SUMMARY\|definitely lost:" "$out"/valgrind-*.log | sed 's/^==[0-9]*== //' | sort | uniq -c | tr '\n' ';')
echo "# valgrind logs in $out; totals (all of Janus): $summary"
if [ "$ours" -gt 0 ]; then
  echo "# $ours valgrind report(s):"
  grep -v '^#COUNT' "$out/ours.txt" | sed 's/^/# /' | head -200
  echo "# memcheck: $ours error(s)/leak(s)" >&2
  exit 1
fi
echo "# memcheck: no memory errors, no definite or indirect leaks"
exit $rc
