// tests/bench/kmem/kmem_harness.h - the in-process harness that runs the kernel's per-core
// caches (kernel/kmem_cache.cc, compiled unchanged against the arch headers beside this
// file) on host threads, each thread acting as one core.
//
// Why a harness: the hosted kernel serves every syscall under one big kernel lock, so no two
// cores are ever inside KmemCache at once there, and the one thing magazines exist for -
// cores allocating at the same time without a shared lock - cannot show. Here each thread
// calls KmemCache::alloc/free directly, as cores of a kernel without the big lock would.
#pragma once

#include <cstdint>

namespace kmem_harness {

// The calling thread is core `core` from now on (arch::current_core()).
void set_current_core(uint32_t core);

// What arch::heap_alloc/heap_free do (for every thread; set it before they start):
enum class Heap {
  kLocked,  // one lock around the heap: a kernel heap shared by all cores (bare metal's
            // arch heap has no lock of its own; without the big kernel lock it needs one)
  kMalloc,  // glibc malloc, as the hosted arch does (itself per-thread cached: tcache)
};
void set_heap(Heap heap);
const char* heap_name(Heap heap);

}  // namespace kmem_harness
