// tests/bench/kmem/kmem_arch.cc - the arch:: functions kernel/kmem_cache.cc and
// kernel/trace.cc call, for the in-process harness (kmem_harness.h).
#include <arch/clock.h>
#include <arch/cpu.h>
#include <arch/memory.h>
#include <arch/panic.h>
#include <time.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "kmem_harness.h"

namespace {
thread_local uint32_t t_core = 0;
std::atomic<kmem_harness::Heap> g_heap{kmem_harness::Heap::kLocked};
std::mutex g_heap_lock;  // Heap::kLocked: the one lock of a shared kernel heap
}  // namespace

namespace kmem_harness {
void set_current_core(uint32_t core) { t_core = core % arch::kMaxCores; }
void set_heap(Heap heap) { g_heap.store(heap); }
const char* heap_name(Heap heap) { return heap == Heap::kLocked ? "locked-heap" : "malloc"; }
}  // namespace kmem_harness

namespace arch {

void panic(const char* message) {
  std::fprintf(stderr, "kmem_bench: kernel panic: %s\n", message);
  std::abort();
}

uint64_t clock_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

uint32_t current_core() { return t_core; }

void* heap_alloc(size_t bytes) {
  if (g_heap.load(std::memory_order_relaxed) == kmem_harness::Heap::kMalloc)
    return std::malloc(bytes == 0 ? 1 : bytes);
  std::lock_guard<std::mutex> guard(g_heap_lock);
  return std::malloc(bytes == 0 ? 1 : bytes);
}

void heap_free(void* pointer, size_t) {
  if (g_heap.load(std::memory_order_relaxed) == kmem_harness::Heap::kMalloc) {
    std::free(pointer);
    return;
  }
  std::lock_guard<std::mutex> guard(g_heap_lock);
  std::free(pointer);
}

}  // namespace arch
