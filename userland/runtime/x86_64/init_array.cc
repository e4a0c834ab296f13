// userland/runtime/x86_64/init_array.cc - a C++ program's static constructors, run by _start
// (start.S) before main, and its destructors, run after main returns.
//
// Constructors: the linker script (user.ld) gathers every object file's .init_array (and
// .ctors, which older objects use) between __init_array_start and __init_array_end, sorted by
// priority: `__attribute__((init_priority(N)))` / `constructor(N)` run in N order, lowest
// first, then the default ones in link order - the order Linux's libc gives them.
//
// Destructors, when main returns (as C's exit() does; hb_task_exit is _exit and runs none):
//   1. what constructors registered with __cxa_atexit (a global object's destructor), the
//      last registered first - so objects die in the reverse order of their construction;
//   2. then .fini_array (`__attribute__((destructor(N)))`), backwards: those without N
//      first, then the highest N down to the lowest - the reverse of the constructors'
//      order, as on Linux.
extern "C" {

using Constructor = void (*)();
extern Constructor __init_array_start[];
extern Constructor __init_array_end[];
extern Constructor __fini_array_start[];
extern Constructor __fini_array_end[];

namespace {

// __cxa_atexit's table. A program with more global objects with destructors than this gets
// an error from __cxa_atexit, which GCC's code ignores: those few are not destroyed.
constexpr int kAtExitMax = 64;
struct AtExit {
  void (*fn)(void*);
  void* arg;
};
AtExit g_at_exit[kAtExitMax];
int g_at_exit_count = 0;

}  // namespace

// A global object with a destructor registers it here from its constructor.
int __cxa_atexit(void (*fn)(void*), void* arg, void*) {
  if (g_at_exit_count == kAtExitMax) return -1;
  g_at_exit[g_at_exit_count++] = AtExit{fn, arg};
  return 0;
}
void* __dso_handle = nullptr;

void harbor_run_init_array() {
  for (Constructor* c = __init_array_start; c != __init_array_end; ++c) (*c)();
}

void harbor_run_fini_array() {
  while (g_at_exit_count > 0) {  // one at a time: a destructor may register another
    AtExit e = g_at_exit[--g_at_exit_count];
    e.fn(e.arg);
  }
  for (Constructor* c = __fini_array_end; c != __fini_array_start;) (*--c)();
}

}  // extern "C"
