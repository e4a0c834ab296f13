// arch/memory.h - the kernel heap's backing store. The kernel charges every allocation to a
// task's quota before it calls this (kernel/lib/kmem.h); a nullptr return is HB_ERR_NO_MEMORY.
#pragma once

#include <cstddef>

namespace arch {
void* heap_alloc(size_t bytes);
void heap_free(void* pointer, size_t bytes);
}  // namespace arch
