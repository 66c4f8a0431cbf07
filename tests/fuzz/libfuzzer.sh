#!/bin/sh
# libfuzzer.sh: builds tests/fuzz/fuzz_parsers.c with clang (-fsanitize=fuzzer,address,undefined)
# against the queue service's sources and runs it for a bounded time on the seed corpus.
# Usage: libfuzzer.sh SOURCE_ROOT OUT_DIR [max_total_time_s]. Env: BB_FUZZ_SEED (default 1),
# BB_FUZZ_RUNS (a run count instead of a time limit). Exit 77 (skip) without clang, unless CI=true.
set -eu
src=${1:?source root}
out=${2:?output dir}
secs=${3:-30}
need() {
	echo "libfuzzer.sh: $1 (Debian 12: apt-get install clang libclang-rt-14-dev)" >&2
	if [ "${CI:-}" = true ]; then exit 1; fi
	exit 77
}
CLANG=${CLANG:-clang}
command -v "$CLANG" >/dev/null 2>&1 || need "clang not found"
mkdir -p "$out"
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }' > "$out/probe.c"
"$CLANG" -fsanitize=fuzzer "$out/probe.c" -o "$out/probe" 2>/dev/null || need "clang cannot link -fsanitize=fuzzer"

q="$src/queue-service/src"
# The protocol catalogue's C code, generated here as the build does (no dependency on a build dir).
python3 "$src/protocol/generate.py" --c-header "$out/bb_protocol.h" --c-source "$out/bb_protocol.c"
# Every service source (src/<layer>/*.c) but app/main.c (libFuzzer brings its own main).
set --
for f in "$q"/*/*.c; do
	[ "${f#"$q"/}" = app/main.c ] || set -- "$@" "$f"
done
# shellcheck disable=SC2046
"$CLANG" -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-DBB_SOURCE_ROOT="\"$src\"" -I"$q" -I"$out" -I"$src/protocol" \
	"$src/tests/fuzz/fuzz_parsers.c" "$@" \
	"$out/bb_protocol.c" "$src/protocol/bb_text.c" "$src/protocol/bb_fields.c" \
	$(pkg-config --cflags --libs glib-2.0 jansson libwebsockets libpq libcurl libargon2) -lm -lpthread \
	-o "$out/fuzz_parsers"

# Work on a copy of the seed corpus so findings never land in the source tree.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$src/tests/fuzz/corpus/"* "$work/" 2>/dev/null || true
if [ -n "${BB_FUZZ_RUNS:-}" ]; then limit="-runs=$BB_FUZZ_RUNS"; else limit="-max_total_time=$secs"; fi
cd "$out"
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=1 \
	./fuzz_parsers -seed="${BB_FUZZ_SEED:-1}" "$limit" -max_len=8192 -timeout=10 \
	-artifact_prefix="$out/" -print_final_stats=1 "$work"
