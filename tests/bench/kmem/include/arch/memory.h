// arch/memory.h (kmem_bench harness) - the heap behind the per-core caches; which one is
// chosen at run time (kmem_harness.h: set_heap).
#pragma once

#include <cstddef>

namespace arch {
void* heap_alloc(size_t bytes);
void heap_free(void* pointer, size_t bytes);
}  // namespace arch
