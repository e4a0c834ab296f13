// hosted/region_cache.h - per-core caches for the memory of grant regions on the hosted
// machine: magazines of ready memfds in front of a shared pool in front of memfd_create.
//
//        core 0                    core 1                   shared pool (its own mutex)
//   +--------------------+  +--------------------+     +--------------------------------+
//   | 4 KiB:   [fd fd]   |  | 4 KiB:   [fd]      |     | 4 KiB:   fd fd fd ...          |
//   | 64 KiB:  [fd]      |  | 64 KiB:  [fd fd fd]|<--->| 64 KiB:  fd ...                |
//   | ...                |  | ...                |     | held: fds a task may still map |
//   +--------------------+  +--------------------+     +--------------------------------+
//                                                          memfd_create / close behind it
//
// The same idea as the kernel's message-buffer cache (kernel/kmem_cache.h), seen a second
// time: a region made on a core takes a memfd from that core's magazine (a *hit*); an empty
// magazine goes to the pool once for a batch (a *miss*, and a *refill* if the pool had
// some; memfd_create if not); a region freed on a core whose magazine is full gives a batch
// back (a *flush*; beyond the pool's limit the memfds are closed).
//
// What is different about region memory, and why (arch/hosted/region_memory.cc, C1-C4):
//   - memory must come back zeroed: a fresh region reads as zeros. A cached memfd holds no
//     pages at all: on free its pages are punched out (fallocate PUNCH_HOLE), which also
//     frees them. Its file size stays the size class, so a hit needs no system call;
//   - a freed memfd is not free while any process might still map it: a task's runtime
//     unmaps *after* the kernel said yes (M4 in region_memory.cc), and a task the kernel
//     has forgotten may still be a live process for a moment. Such a memfd is *held*
//     (truncated to 0 at once, so any stale access faults) until every task that unmapped it
//     has shown it is done: it made another syscall, or its process is dead. Only then does
//     it join the pool. A held memfd is never handed out;
//   - regions bigger than the largest class (4 MiB) bypass the cache (counted): their
//     page faults cost milliseconds, the few microseconds of a memfd_create do not matter.
//
// Locks: each core's magazines are touched only with the kernel lock held, by whoever
// serves a syscall on that core. A process may run several hosted machines (tests do), each
// with its own kernel lock, and this cache is the process's: so each core's magazines also
// have a mutex, never contended in harbor-emu (one machine). The pool and the held list
// have their own mutex, as in kmem_cache.
#pragma once

#include <kernel/kmem_cache.h>
#include <kernel/trace.h>

#include <arch/cpu.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

namespace hosted {

// Per core: kmem_cache's counters (hits, misses, refills, flushes, frees), plus
struct RegionCacheStats : kernel::CoreCacheStats {
  uint64_t bypassed{0};  // regions above the largest class: memfd_create and close directly
  uint64_t held{0};      // freed memfds held back because a task might still map them
};

class RegionCache {
 public:
  static constexpr uint32_t kClasses = 6;    // 4, 16, 64, 256 KiB, 1 and 4 MiB
  static constexpr uint32_t kMagazine = 8;   // memfds per core per class
  static constexpr uint32_t kBatch = kMagazine / 2;
  static constexpr uint32_t kPoolMax = 16;   // memfds kept per class in the pool
  static constexpr uint32_t kHeldMax = 32;   // held memfds kept; beyond, the oldest is closed

  // A region's memory: the descriptor and the file's size (>= the region's size).
  struct Memfd {
    int fd{-1};
    uint64_t file_size{0};
  };
  // A task that unmapped a held memfd, and its syscall count when it did (C3).
  struct Owed {
    hb_task_id_t task{0};
    uint64_t syscalls{0};
  };

  RegionCache() = default;
  RegionCache(const RegionCache&) = delete;
  RegionCache& operator=(const RegionCache&) = delete;
  ~RegionCache();  // closes everything cached

  // A memfd that reads as zeros, of file size >= `size` (a multiple of 4096), made on
  // `core`; fd -1 when the host refuses (the caller returns HB_ERR_NO_MEMORY). Trace
  // records (RegionCacheHit, ...) go to `trace` for `task` when it is not null.
  Memfd alloc(uint32_t core, uint64_t size, kernel::Trace* trace, hb_task_id_t task);
  // Takes back a memfd that no process maps: zeroes it and keeps it, or closes it.
  void free(uint32_t core, Memfd memfd, kernel::Trace* trace, hb_task_id_t task);
  // Takes back a memfd that the tasks in `owed` may still map: truncated to 0 now, handed
  // out again only after release_held() found every one of them done. `machine` says whose
  // task ids these are.
  void hold(uint32_t core, Memfd memfd, const void* machine, std::vector<Owed> owed);
  // Moves every held memfd of `machine` whose owed tasks are all `done` to the pool.
  void release_held(const void* machine, const std::function<bool(const Owed&)>& done);

  // Closes every cached and held memfd (tests start from an empty cache with it).
  void trim();
  // In a child forked from the emulator that will not exec (a start_function task): closes
  // the memfds it inherited, which later regions will be made of. Takes no lock: call it
  // only where the parent held the kernel lock across the fork.
  void close_inherited();

  RegionCacheStats stats(uint32_t core) const;
  uint32_t pool_size(uint32_t size_class) const;
  uint32_t held_count() const;
  static uint32_t class_of(uint64_t size);  // kClasses when too big
  static uint64_t class_size(uint32_t size_class);

 private:
  struct Magazine {
    int fds[kMagazine];
    uint32_t count{0};
  };
  struct alignas(64) PerCore {
    mutable std::mutex mutex;  // see "Locks" above
    Magazine magazines[kClasses]{};
    RegionCacheStats stats{};
  };
  struct Held {
    Memfd memfd;
    const void* machine{nullptr};
    std::vector<Owed> owed;
  };

  void pool_put_locked(uint32_t size_class, int fd);  // or close it when the pool is full

  PerCore m_cores[arch::kMaxCores];
  mutable std::mutex m_pool_mutex;  // guards m_pool and m_held
  std::vector<int> m_pool[kClasses];
  std::vector<Held> m_held;  // oldest first
};

// The process's region cache (hosted machines use it when KernelConfig::per_core_caches is
// set). Never destroyed: a machine may free region memory during static destruction.
RegionCache& region_cache();

}  // namespace hosted
