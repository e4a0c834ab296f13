// userland/runtime/x86_64/libc.cc - the C++ side of a freestanding Harbor program: _exit
// (which userland/runtime/calls.cc names in hb_task_exit, not reached: the kernel never
// returns from HB_SYS_TASK_EXIT) and the hooks static constructors reference (init_array.cc
// runs constructors and destructors). The C library proper (printf, fflush, strtol...) is
// libc/, in C.
#include <cstddef>

extern "C" {

[[noreturn]] void _exit(int) {
  for (;;) __asm__ volatile("ud2");
}

// __cxa_atexit and __dso_handle (global objects' destructors): init_array.cc.
[[noreturn]] void __cxa_pure_virtual() {
  for (;;) __asm__ volatile("ud2");
}

}  // extern "C"
