// userland/runtime/x86_64/libc.cc - what a freestanding Harbor program needs beyond the
// string functions (arch/x86_64/string.cc, shared with the kernel): the two hosted calls
// userland/runtime/calls.cc makes in hb_task_exit (fflush: there is no stdio buffering here;
// _exit: not reached, the kernel never returns from HB_SYS_TASK_EXIT), and the C++ hooks that
// static constructors reference (init_array.cc runs constructors and destructors).
#include <cstddef>

extern "C" {

struct _IO_FILE;
int fflush(_IO_FILE*) { return 0; }
[[noreturn]] void _exit(int) {
  for (;;) __asm__ volatile("ud2");
}

// __cxa_atexit and __dso_handle (global objects' destructors): init_array.cc.
[[noreturn]] void __cxa_pure_virtual() {
  for (;;) __asm__ volatile("ud2");
}

}  // extern "C"
