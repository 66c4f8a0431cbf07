# The sanitizer step of scripts/test: the C code built with AddressSanitizer and UndefinedBehavior-
# Sanitizer in <build>-asan, the suites that run our C code (not the browser or ops suites, which
# add time but no C paths the plugin suites miss) run against it, and every report counts.
# shellcheck shell=bash
# Sourced after common.sh and build.sh.

# Suites run under the sanitizers; memcheck is valgrind (not combinable with ASan), bench on demand;
# of the integration tests only those also in suite `sanitize` (tests/integration/meson.build).
BB_ASAN_SUITES=(unit sanitize fuzz plugin)

# Runs the step; sets BB_ASAN_LOG (meson's testlog.json), BB_ASAN_REPORTS (number of report
# files) and BB_ASAN_REPORT_DIR. Returns meson's status.
bb_sanitizer_run() {
  local build="${BB_BUILD}-asan"
  BB_ASAN_REPORT_DIR="$build/sanitizer-reports"
  BB_ASAN_LOG="$build/meson-logs/testlog.json"
  if [ ! -f "$build/build.ninja" ]; then
    bb_step "Configuring the sanitizer build in ${build#"$BB_ROOT"/}"
    meson setup "$build" "$BB_ROOT" -Db_sanitize=address,undefined -Db_lundef=false \
      -Dc_args=-fno-sanitize-recover=all >"$build.setup.log" 2>&1 || {
      cat "$build.setup.log" >&2
      bb_die "meson setup of the sanitizer build failed"
    }
  fi
  bb_step "Building with AddressSanitizer + UBSan (ninja -C ${build#"$BB_ROOT"/})"
  ninja -C "$build" >"$build/last-build.log" 2>&1 || {
    cat "$build/last-build.log" >&2
    bb_die "sanitizer build failed"
  }
  rm -rf "$BB_ASAN_REPORT_DIR"
  mkdir -p "$BB_ASAN_REPORT_DIR"
  rm -f "$BB_ASAN_LOG"
  local libasan
  libasan="$(gcc -print-file-name=libasan.so)"
  local -a args=(-C "$build" --print-errorlogs --no-rebuild --num-processes "${BB_TEST_JOBS:-$(nproc)}"
                 --timeout-multiplier "$(( ${BB_TEST_TIMEOUT_MULTIPLIER:-1} * 2 ))")
  local suite
  for suite in "${BB_ASAN_SUITES[@]}"; do args+=(--suite "$suite"); done
  args+=(--no-suite libfuzzer)   # built with ASan + UBSan by libfuzzer.sh in the first run already
  bb_step "Running under the sanitizers: meson test ${args[*]}"
  local rc=0
  # Our programs report into the folder; Janus (not instrumented) gets the runtime preloaded for
  # the plugin and no leak check (its own allocations are not ours; valgrind checks those).
  ASAN_OPTIONS="log_path=$BB_ASAN_REPORT_DIR/asan:detect_leaks=1:abort_on_error=0:fast_unwind_on_malloc=0" \
  UBSAN_OPTIONS="log_path=$BB_ASAN_REPORT_DIR/ubsan:print_stacktrace=1:halt_on_error=1" \
  LSAN_OPTIONS="suppressions=$BB_ROOT/tests/lib/lsan.supp:print_suppressions=0" \
  BB_JANUS_PRELOAD="$libasan" \
  BB_JANUS_ASAN_OPTIONS="log_path=$BB_ASAN_REPORT_DIR/asan-janus:detect_leaks=0" \
    meson test "${args[@]}" >&2 || rc=$?
  BB_ASAN_REPORTS="$(find "$BB_ASAN_REPORT_DIR" -type f | wc -l)"
  if [ "$BB_ASAN_REPORTS" -gt 0 ]; then
    echo "sanitizer reports:" >&2
    find "$BB_ASAN_REPORT_DIR" -type f -print -exec head -n 40 {} \; >&2
  fi
  return "$rc"
}
