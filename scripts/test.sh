#!/usr/bin/env bash
# scripts/test.sh [--quick] - build and run every Harbor test; the one command CI runs.
#
#   1. scripts/setup.sh --with-qemu   (installs missing Debian packages when root)
#   2. preset dev:  configure, build, ctest (all labels: unit integration qemu fuzz bench-smoke grade)
#   3. preset asan: configure, build, ctest (ASan+UBSan; every label except qemu, whose kernel
#                   is freestanding and not sanitized)
#   4. preset tsan: configure, build, ctest (ThreadSanitizer; labels unit and integration)
#
# --quick runs steps 1 and 2 only. Builds use at most $HARBOR_JOBS (default 2) parallel jobs.
# A failed step does not stop the later presets; the summary at the end lists every step, and
# the exit code is non-zero when any step failed. Full logs: build/test-logs/.
set -uo pipefail

usage() {
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
}

quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "test.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
root=$(pwd)
jobs=${HARBOR_JOBS:-2}
logs="$root/build/test-logs"
presets=(dev asan tsan)
((quick)) && presets=(dev)

summary=()          # one formatted line per step
any_failed=0
total_passed=0
total_failed=0
total_skipped=0
start_all=$SECONDS

banner() {
  printf '\n==== %s ====\n' "$*"
}

# record NAME STATUS SECONDS [DETAIL]
record() {
  summary+=("$(printf '  %-16s %-8s %5ss  %s' "$1" "$2" "$3" "${4:-}")")
  [[ "$2" == FAILED ]] && any_failed=1
  return 0
}

# step NAME LOGFILE CMD... : runs CMD with its output on the terminal and in LOGFILE.
step() {
  local name=$1 log=$2
  shift 2
  banner "$name: $*"
  local t0=$SECONDS rc
  "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  step_seconds=$((SECONDS - t0))
  return "$rc"
}

mkdir -p "$logs"

# 1. Set-up.
if step "setup" "$logs/setup.log" bash scripts/setup.sh --with-qemu; then
  record setup ok "$step_seconds"
else
  record setup FAILED "$step_seconds" "see $logs/setup.log"
  banner "summary"
  printf '%s\n' "${summary[@]}"
  echo "test.sh: FAILED: the machine cannot build Harbor (see setup.sh's message above)."
  exit 1
fi

qemu_note="qemu-system-x86_64 found: the qemu-labelled tests run in the dev preset"
if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
  qemu_note="QEMU tests SKIPPED: qemu-system-x86_64 is not installed (run scripts/setup.sh --with-qemu as root)"
  banner "WARNING: $qemu_note"
fi

# TSan (GCC 12) cannot map its shadow memory when the kernel randomises mmap with more than 28
# bits (newer kernels default to 32); running the tests with ASLR off (setarch -R) avoids it.
tsan_wrapper=()
rnd_bits=$(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 28)
if ((rnd_bits > 28)) && command -v setarch >/dev/null 2>&1; then
  tsan_wrapper=(setarch "$(uname -m)" -R)
fi

for preset in "${presets[@]}"; do
  # Configure.
  if step "$preset configure" "$logs/$preset-configure.log" cmake --preset "$preset"; then
    record "$preset configure" ok "$step_seconds"
  else
    record "$preset configure" FAILED "$step_seconds" "see $logs/$preset-configure.log"
    continue
  fi
  # Build.
  if step "$preset build" "$logs/$preset-build.log" \
    cmake --build --preset "$preset" --parallel "$jobs"; then
    record "$preset build" ok "$step_seconds"
  else
    record "$preset build" FAILED "$step_seconds" "see $logs/$preset-build.log"
    continue
  fi
  # Test.
  wrapper=()
  [[ "$preset" == tsan ]] && wrapper=("${tsan_wrapper[@]}")
  log="$logs/$preset-test.log"
  if step "$preset test" "$log" "${wrapper[@]}" ctest --preset "$preset"; then
    status=ok
  else
    status=FAILED
  fi
  # ctest's own closing line, e.g. "100% tests passed, 0 tests failed out of 42".
  line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1)
  detail=${line:-"no ctest summary; see $log"}
  if grep -q 'No tests were found' "$log"; then
    detail="no tests found (a preset with no test is a failure)"
  fi
  if [[ -n "$line" ]]; then
    failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
    out_of=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")
    skipped=$(grep -cE '\(Skipped\)$' "$log" || true)
    total_failed=$((total_failed + failed))
    total_skipped=$((total_skipped + skipped))
    total_passed=$((total_passed + out_of - failed - skipped))
    ((skipped > 0)) && detail="$detail; $skipped skipped"
  fi
  record "$preset test" "$status" "$step_seconds" "$detail"
done

banner "summary ($((SECONDS - start_all))s)"
printf '%s\n' "${summary[@]}"
echo "  $qemu_note"
((quick)) && echo "  --quick: the asan and tsan presets were not run"
echo "logs: $logs"
echo
echo "tests: $total_passed passed, $total_failed failed, $total_skipped skipped"
if ((any_failed)); then
  echo "test.sh: FAILED"
  exit 1
fi
echo "test.sh: all steps passed"
