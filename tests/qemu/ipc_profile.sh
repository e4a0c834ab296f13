#!/usr/bin/env bash
# tests/qemu/ipc_profile.sh BUILD_DIR [GDB_PORT] - where the instructions of ONE ipc_bench
# round trip go (docs/performance.md, "Bare metal"). Boots ipc_bench under -icount, stops at
# the client's 301st hb_call with gdb, single-steps until the next one (the server's
# hb_reply_recv and the whole kernel path in between) and prints how many instructions ran
# in each function, then the functions in the order they ran. The total is the round trip
# that qemu.ipc_bench prints. Needs qemu-system-x86_64, gdb with Python, python3, nm.
# Takes about 20 s; one PC per line is left in $BUILD_DIR/ipc_profile.pcs.
set -eu
build=$1
port=${2:-1234}
kernel=$build/tests/qemu/harbor_qemu_tests
image=$build/x86_64/images/ipc_bench
pcs=$build/ipc_profile.pcs
hb_call=0x$(nm "$image" | awk '$3 == "hb_call" { print $1 }')
script=$(mktemp --suffix=.py)
trap 'rm -f "$script"' EXIT
cat >"$script" <<EOF
import gdb
gdb.execute("set pagination off")
gdb.execute("target remote :$port")
gdb.execute("hbreak *$hb_call")
gdb.execute("ignore 1 300")  # past the 100 warm-up calls, into the timed loop
gdb.execute("continue")
with open("$pcs", "w") as out:
    for i in range(100000):
        gdb.execute("stepi", to_string=True)
        pc = int(gdb.parse_and_eval("\$pc")) & 0xffffffffffffffff
        out.write("%x\n" % pc)
        if pc == $hb_call:
            break
gdb.execute("kill")
EOF
qemu-system-x86_64 -accel tcg -display none -no-reboot -monitor none -serial null \
  -device isa-debug-exit,iobase=0xf4,iosize=0x04 -m 128M -kernel "$kernel.elf" \
  -append ipc_bench -icount shift=0,align=off,sleep=off -gdb "tcp::$port" -S 2>/dev/null &
qemu=$!
sleep 1
gdb -q -batch -x "$script" "$kernel.elf64" >/dev/null 2>&1 || true
kill "$qemu" 2>/dev/null || true
wait "$qemu" 2>/dev/null || true
python3 - "$kernel.elf64" "$image" "$pcs" <<'EOF'
import bisect, collections, subprocess, sys
def symbols(path):
    out = subprocess.run(["nm", "-C", "--defined-only", path], capture_output=True, text=True)
    table = sorted((int(a, 16), n.split("(")[0]) for a, t, n in
                   (l.split(" ", 2) for l in out.stdout.splitlines() if l.count(" ") >= 2)
                   if t in "tTwW")
    return [a for a, _ in table], [n for _, n in table]
kernel, user = symbols(sys.argv[1]), symbols(sys.argv[2])
def name(pc):  # user programs live at 1 GiB and up (user.ld), the kernel below
    addresses, names = user if pc >= 0x40000000 else kernel
    n = names[bisect.bisect_right(addresses, pc) - 1]
    return ("user: " if pc >= 0x40000000 else "") + n
count, runs = collections.Counter(), []
for line in open(sys.argv[3]):
    n = name(int(line, 16))
    count[n] += 1
    if runs and runs[-1][0] == n:
        runs[-1][1] += 1
    else:
        runs.append([n, 1])
print("one round trip: %d instructions (one way: %d)" % (sum(count.values()), sum(count.values()) // 2))
for n, c in count.most_common():
    print("%6d  %s" % (c, n))
print("---- in the order they ran")
for n, c in runs:
    print("%6d  %s" % (c, n))
EOF
