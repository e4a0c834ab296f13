// userland/runtime/x86_64/calls_x86_64.cc - the portable calls.cc and the x86-64 trap
// (syscall.cc) compiled as one translation unit, so that GCC inlines raw_syscall into every
// hb_* function: hb_call is then the `syscall` instruction with its arguments in place, not
// a call to a function that moves them all one register along (about 12 instructions per
// syscall; docs/performance.md, bare metal). The hosted runtime compiles calls.cc on its own.
#include "syscall.cc"
// (the include below is the whole portable file, unchanged)
#include "../calls.cc"
