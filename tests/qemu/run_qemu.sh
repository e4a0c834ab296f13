#!/usr/bin/env bash
# tests/qemu/run_qemu.sh KERNEL_ELF LOG_FILE [SCENARIO...] - boot the x86-64 kernel under
# QEMU (TCG), run SCENARIO (none: all of them, init decides) and turn QEMU's exit code into
# a test verdict. The serial console goes to LOG_FILE; on failure it is printed.
#
#   QEMU exit 33 = the kernel wrote 0x10 to isa-debug-exit: init exited 0      -> PASS (0)
#             35 = 0x11: init exited non-zero, or every task blocked for ever   -> FAIL (1)
#             37 = 0x12: kernel panic                                           -> FAIL (1)
#              0 = a triple fault with -no-reboot (or QEMU quit on its own)    -> FAIL (1)
#            124 = the time limit (HARBOR_QEMU_TIMEOUT, default 60 s) passed    -> FAIL (1)
# qemu-system-x86_64 missing: prints SKIPPED and exits 77 (ctest SKIP_RETURN_CODE).
#
# Environment: HARBOR_QEMU (the QEMU binary), HARBOR_QEMU_SMP (default 1), HARBOR_QEMU_ARGS
# (more QEMU arguments, e.g. -icount shift=0,align=off,sleep=off),
# HARBOR_QEMU_TIMEOUT (seconds), HARBOR_QEMU_ACCEL (default tcg; kvm is opt-in: the nested
# KVM on these machines is slower than TCG and mis-handles `syscall`), HARBOR_QEMU_EXPECT (an
# extended regular expression a console line must also match for a PASS).
set -u
kernel=$1
log=$2
shift 2
qemu=${HARBOR_QEMU:-qemu-system-x86_64}
if ! command -v "$qemu" >/dev/null 2>&1; then
  echo "SKIPPED: $qemu not found - the QEMU boot tests did not run."
  echo "         Install it (Debian: apt-get install -y qemu-system-x86) or run scripts/setup.sh --with-qemu."
  exit 77
fi
mkdir -p "$(dirname "$log")"
timeout_s=${HARBOR_QEMU_TIMEOUT:-60}
smp=${HARBOR_QEMU_SMP:-1}
accel=${HARBOR_QEMU_ACCEL:-tcg}
cmd=(timeout --kill-after=5 "$timeout_s" "$qemu" -accel "$accel" -nographic -no-reboot
     -monitor none -serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=0x04
     -m 128M -smp "$smp" -kernel "$kernel")
# shellcheck disable=SC2206 # HARBOR_QEMU_ARGS: extra QEMU words, split on spaces
[[ -n ${HARBOR_QEMU_ARGS:-} ]] && cmd+=(${HARBOR_QEMU_ARGS})
[[ $# -gt 0 ]] && cmd+=(-append "$*")
"${cmd[@]}" </dev/null >"$log.qemu" 2>&1
rc=$?
case $rc in
  33) verdict=PASS ;;
  35) verdict="FAIL (init reported a failure, or a deadlock)" ;;
  37) verdict="FAIL (kernel panic)" ;;
  0) verdict="FAIL (QEMU exited 0: triple fault or reset; no verdict was written)" ;;
  124 | 137) verdict="FAIL (timed out after ${timeout_s}s)" ;;
  *) verdict="FAIL (QEMU exit code $rc)" ;;
esac
if [[ $verdict == PASS && -n ${HARBOR_QEMU_EXPECT:-} ]] &&
   ! tr -d '\r' <"$log" | grep -aEq "$HARBOR_QEMU_EXPECT"; then
  verdict="FAIL (no console line matches HARBOR_QEMU_EXPECT='$HARBOR_QEMU_EXPECT')"
fi
echo "qemu ${*:-all scenarios} (smp $smp): $verdict"
grep -a '^ipc_bench:' "$log" | tr -d '\r'
grep -a '^harbor: core [0-9]*:' "$log" | tr -d '\r'
if [[ $verdict != PASS ]]; then
  echo "---- serial console ($log) ----"
  tr -d '\r' <"$log"
  echo "---- qemu ($log.qemu) ----"
  cat "$log.qemu"
  echo "Reproduce: ${cmd[*]:3}" | sed "s|-serial file:$log|-serial stdio|"
  exit 1
fi
exit 0
