// userland/runtime/raw_syscall.h - the one primitive each target's runtime provides: trap
// into the kernel with a syscall number and six 64-bit arguments (harbor/abi/syscalls.h),
// get one int64 back (>= 0 success, < 0 an HB_ERR_* status). Everything in sys.h is built
// on it (calls.cc). Hosted: hosted/channel.cc; bare metal: the `syscall` instruction.
#pragma once

#include <cstdint>

namespace harbor::runtime {

int64_t raw_syscall(uint32_t number, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0,
                    uint64_t a3 = 0, uint64_t a4 = 0, uint64_t a5 = 0);

}  // namespace harbor::runtime
