// kernel/lib/kassert.h - named invariants (STYLE 9). A failed KASSERT is a kernel bug.
#pragma once

#include <arch/panic.h>

#define KASSERT_STR2(x) #x
#define KASSERT_STR(x) KASSERT_STR2(x)

#define KASSERT(cond, name)                                                             \
  do {                                                                                  \
    if (__builtin_expect(!(cond), 0))                                                   \
      ::arch::panic("KASSERT(" #cond ") failed: " name " at " __FILE__ ":" KASSERT_STR(__LINE__)); \
  } while (0)
