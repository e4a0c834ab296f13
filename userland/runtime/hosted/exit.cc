// userland/runtime/hosted/exit.cc - `return N;` from main ends a hosted task with exactly N,
// as hb_task_exit(N) does, and as returning does on x86-64 (runtime/x86_64/start.S).
//
// Why it is needed: a hosted task is a process. When main returns N, the C library calls
// exit(N), and the process's exit status keeps only N & 0xff, which is all the monitor
// (arch/hosted/monitor.cc) can read: 300 would reach the parent's hb_task_wait as 44, and
// -7 as 249. The whole int32_t reaches the kernel only through hb_task_exit.
//
// How: a process started as a Harbor task (HARBOR_CHANNEL_FD set: harbor-emu, or
// Machine::start) registers an exit handler with glibc's on_exit, which, unlike atexit, is
// given exit's argument unmasked. For a code the exit status cannot carry (below 0 or above
// 255) the handler calls hb_task_exit(code), which does not return. For 0..255 it does
// nothing: the ordinary exit is exact already, and it goes on to the handlers registered
// before this one (the C++ runtime's, a sanitizer's leak check), which hb_task_exit would
// skip, as it skips them when a program calls it itself.
//
// Why this and not the other ways:
//  - a wrapper around main (interposing __libc_start_main) needs dlsym, fails in static
//    programs, and would run before the program's static destructors; on_exit runs after
//    them (it is registered by the first constructor of all, priority 101, and handlers run
//    in reverse order), and it covers exit(N) called anywhere, not only main's return;
//  - the monitor cannot be told more than the process's status without a second channel.
// The constructor runs before channel.cc's attach (a default-priority constructor), which
// removes HARBOR_CHANNEL_FD from the environment. A test program that attaches explicitly
// (Harbor::testing, hosted/attach.h) starts without it and registers nothing: a function it
// runs as a task ends through Machine::start_function (arch/hosted/spawn.cc), not exit.
//
// Linking: nothing calls into this file, so a static archive would leave it out;
// userland/CMakeLists.txt makes every program that links Harbor::user reference
// hb_runtime_exit_hook (LINKER:--undefined).
#include <harbor/sys.h>
#include <hosted/channel.h>

#include <cstdlib>

extern "C" {

// The link anchor named in userland/CMakeLists.txt.
extern const char hb_runtime_exit_hook = 1;

}  // extern "C"

namespace {

void exit_through_kernel(int code, void*) {
  if (code < 0 || code > 255) hb_task_exit(static_cast<int32_t>(code));  // never returns
}

__attribute__((constructor(101))) void register_exit_handler() {
  if (std::getenv(hosted::kChannelEnv)) on_exit(exit_through_kernel, nullptr);
}

}  // namespace
