// userland/runtime/x86_64/syscall.cc - the `syscall` instruction: the one primitive that
// userland/runtime/calls.cc builds every function of harbor/sys.h on.
//
// Register convention (the Linux one, so gdb and students recognise it):
//   RAX = number (harbor/abi/syscalls.h), arguments in RDI RSI RDX R10 R8 R9 (R10, not RCX:
//   `syscall` puts the return address in RCX and RFLAGS in R11, so both are clobbered);
//   the result comes back in RAX (>= 0 success, < 0 HB_ERR_*). Kernel side:
//   arch/x86_64/entry.S x86_syscall_entry and arch/x86_64/trap.cc x86_syscall.
#include "../raw_syscall.h"

namespace harbor::runtime {

int64_t raw_syscall(uint32_t number, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                    uint64_t a4, uint64_t a5) {
  int64_t result;
  register uint64_t r10 __asm__("r10") = a3;
  register uint64_t r8 __asm__("r8") = a4;
  register uint64_t r9 __asm__("r9") = a5;
  __asm__ volatile("syscall"
                   : "=a"(result)
                   : "a"(static_cast<uint64_t>(number)), "D"(a0), "S"(a1), "d"(a2), "r"(r10),
                     "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return result;
}

}  // namespace harbor::runtime
