// userland/runtime/x86_64/init_array.cc - a C++ program's static constructors, run by _start
// (start.S) before main. The linker script (user.ld) gathers every object file's .init_array
// (and .ctors, which older objects use) between __init_array_start and __init_array_end,
// sorted by priority: `__attribute__((init_priority(N)))` / `constructor(N)` run in N order,
// lowest first, then the default ones in link order - the order Linux's libc gives them.
extern "C" {

using Constructor = void (*)();
extern Constructor __init_array_start[];
extern Constructor __init_array_end[];

void harbor_run_init_array() {
  for (Constructor* c = __init_array_start; c != __init_array_end; ++c) (*c)();
}

}  // extern "C"
