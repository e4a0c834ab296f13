// kernel/kmem_cache.h - per-core caches for kernel memory (magazines in front of a pool).
//
//        core 0                 core 1                       shared pool (depot)
//   +-------------------+  +-------------------+      +-----------------------------+
//   | class 256: [....] |  | class 256: [..]   |      | class 256: free list  (lock) |
//   | class 1K:  [..]   |  | class 1K:  [.....]|<---->| class 1K:  free list         |
//   | ...               |  | ...               |      | ...                          |
//   +-------------------+  +-------------------+      +-----------------------------+
//        no lock                no lock                    arch heap behind it
//
// Message buffers are allocated and freed at a high rate, almost always on the same core
// (a sender allocates, a receiver on some core frees). Each core keeps a small magazine of
// free buffers per size class and serves from it without touching shared state (a *hit*).
// Only an empty magazine goes to the shared pool, taking its lock once for a batch
// (a *miss* + *refill*); a full one gives a batch back (a *flush*). This is the idea of
// Bonwick's magazine allocator (Solaris, 2001), trimmed to what Harbor needs.
//
// Core-side syscalls (kernel/kernel_lock.h) on different cores run at the same time, each
// under its own core's lock, so a hit touches nothing another core touches; the pool's own
// lock is the only one cores share here. Its statistics show how often the common path
// stays on its own core (harbor-emu --stats).
#pragma once

#include <arch/cpu.h>
#include <arch/lock.h>
#include <kernel/trace.h>

#include <cstddef>
#include <cstdint>

namespace kernel {

struct CoreCacheStats {
  uint64_t hits{0};     // served from this core's magazine
  uint64_t misses{0};   // the magazine was empty: went to the shared pool
  uint64_t refills{0};  // batches taken from the pool
  uint64_t flushes{0};  // batches given back to the pool
  uint64_t frees{0};    // buffers returned on this core
};

class KmemCache {
 public:
  static constexpr uint32_t kClasses = 6;  // 256 B, 1, 4, 16, 32 and 72 KiB
  static constexpr uint32_t kMagazine = 16;  // buffers per core per class
  static constexpr uint32_t kBatch = kMagazine / 2;
  static constexpr uint32_t kPoolMax = 256;  // free buffers kept per class in the pool

  KmemCache() = default;
  KmemCache(const KmemCache&) = delete;
  KmemCache& operator=(const KmemCache&) = delete;
  ~KmemCache();  // gives everything back to the arch heap

  // `enabled` false: every alloc/free goes straight to the arch heap (for comparison).
  void set_enabled(bool enabled) { m_enabled = enabled; }
  void set_trace(Trace* trace) { m_trace = trace; }
  bool enabled() const { return m_enabled; }

  // A buffer of at least `bytes` bytes, or nullptr. Sizes above the largest class come
  // from the arch heap directly.
  void* alloc(size_t bytes);
  void free(void* buffer, size_t bytes);

  // Returns every cached buffer to the arch heap (so leak checks see only live memory).
  void trim();

  const CoreCacheStats& stats(uint32_t core) const { return m_cores[core].stats; }
  uint64_t pool_size(uint32_t size_class) const { return m_pool[size_class].count; }
  static uint32_t class_of(size_t bytes);  // kClasses when too big
  static size_t class_size(uint32_t size_class);

 private:
  struct FreeBuffer {
    FreeBuffer* next;
  };
  struct Stack {  // the pool's per-class free list
    FreeBuffer* head{nullptr};
    uint32_t count{0};
  };
  struct Magazine {
    void* items[kMagazine];
    uint32_t count{0};
  };

  // Everything one core writes on its common path, on cache lines of its own: two cores
  // sharing a line would pass it back and forth on every hit (false sharing), which is the
  // very traffic the per-core layer exists to avoid.
  struct alignas(64) PerCore {
    Magazine magazines[kClasses]{};
    CoreCacheStats stats{};
  };

  bool m_enabled{true};
  Trace* m_trace{nullptr};
  PerCore m_cores[arch::kMaxCores]{};
  arch::Lock m_pool_lock;  // guards m_pool only
  Stack m_pool[kClasses]{};
};

}  // namespace kernel
