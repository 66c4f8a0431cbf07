# Build helpers shared by scripts/start and scripts/test: configure once, build, find built targets.
# shellcheck shell=bash
# Sourced after common.sh.

BB_BUILD="${BB_BUILD_DIR:-$BB_ROOT/build}"
case "$BB_BUILD" in /*) ;; *) BB_BUILD="$BB_ROOT/$BB_BUILD" ;; esac

# `meson setup` only once; later runs let ninja re-run meson when meson.build files changed.
# A folder left behind by a failed setup (no build.ninja) is wiped and configured again.
bb_build() {
  if [ ! -f "$BB_BUILD/build.ninja" ]; then
    bb_step "Configuring the build in ${BB_BUILD#"$BB_ROOT"/} (meson setup)"
    local -a wipe=()
    [ -d "$BB_BUILD/meson-private" ] && wipe=(--wipe)
    local log
    log="$(mktemp)"
    meson setup "${wipe[@]}" "$BB_BUILD" "$BB_ROOT" >"$log" 2>&1 || {
      cat "$log" >&2
      rm -f "$log"
      bb_die "meson setup failed"
    }
    rm -f "$log"
  fi
  # Another user's build folder (BB_BUILD_DIR) cannot be updated by us: use it as it was built.
  if [ ! -w "$BB_BUILD" ]; then
    bb_step "Using the build in $BB_BUILD as it is (not writable for $(id -un))"
    return 0
  fi
  bb_step "Building (ninja -C ${BB_BUILD#"$BB_ROOT"/})"
  ninja -C "$BB_BUILD" >"$BB_BUILD/last-build.log" 2>&1 || {
    cat "$BB_BUILD/last-build.log" >&2
    bb_die "build failed"
  }
}

# Prints the path of a built target by name (from meson's introspection), or nothing.
bb_target_path() {
  meson introspect --targets "$BB_BUILD" 2>/dev/null | python3 -c '
import json, sys
name = sys.argv[1]
for t in json.load(sys.stdin):
    if t["name"] == name:
        print(t["filename"][0])
        break
' "$1"
}
