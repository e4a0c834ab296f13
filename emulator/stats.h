// emulator/stats.h - what `harbor-emu --stats` prints after a run.
//
//   kernel   KernelStats: totals since boot
//   cores    counted from the trace records each emulated core wrote (syscalls, messages,
//            blocks, wake-ups, task switches), and the per-core message-buffer caches'
//            own counters (hits, misses, refills from and flushes to the shared pool)
//   region caches  the hosted per-core caches of region memory (hosted/region_cache.h): the
//            same four counters, plus memfds held back and regions too big for the cache;
//            from the cache itself when the report has its counters, else from the trace
//   tasks    Task::stats_* of every task the run saw
//   ports    Port::stats_* of the scenario's ports and of every task's inbox
//   objects  the scenario's grant regions (size, mappings left, revoked) and semaphores
//            (count left of max), read after the run
//
// Formatting is a pure function of the report (tested in tests/emulator/stats_test.cc).
#pragma once

#include <hosted/region_cache.h>
#include <kernel/kernel.h>
#include <kernel/trace.h>

#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <vector>

namespace emu {

struct TaskStats {
  hb_task_id_t id{0};
  hb_task_id_t parent{0};
  std::string name;
  uint32_t core{0};
  bool alive{false};
  int32_t exit_code{0};
  uint64_t syscalls{0}, sent{0}, received{0}, blocks{0};
};

struct PortStats {
  uint64_t koid{0};
  std::string label;  // "port jobs", "inbox of picky[3]"
  uint32_t mode{0}, capacity{0};
  uint64_t sent{0}, received{0};
  uint32_t max_depth{0}, queued{0};
  bool dead{false};
};

struct ObjectStats {
  enum class Kind { Region, Semaphore };
  uint64_t koid{0};
  std::string label;  // "region shelf", "semaphore free"
  Kind kind{Kind::Region};
  uint64_t size{0};       // region: bytes (whole pages)
  uint32_t mappings{0};   // region: mappings still made at the end
  bool revoked{false};    // region
  uint64_t maps{0}, unmaps{0}, revokes{0};  // region: GrantRegion::stats_*
  uint32_t count{0}, max{0};  // semaphore: units left at the end, of max
  uint64_t posts{0}, waits{0}, blocks{0};   // semaphore: Semaphore::stats_*
};

struct CoreStats {
  uint32_t core{0};
  uint64_t syscalls{0}, sends{0}, receives{0}, bytes{0}, blocks{0}, wakes{0};
  uint64_t switches{0};  // consecutive records of this core about different tasks
  uint64_t cache_hits{0}, cache_misses{0};
  // Region memory (RegionCache* trace records).
  uint64_t region_hits{0}, region_misses{0}, region_refills{0}, region_flushes{0};
};

struct StatsReport {
  kernel::KernelStats kernel{};
  uint32_t cores{0};
  std::vector<kernel::CoreCacheStats> caches;  // per core, from the kernel's KmemCache
  std::vector<hosted::RegionCacheStats> region_caches;  // per core, from hosted::region_cache()
  std::vector<TaskStats> tasks;  // by id
  std::vector<PortStats> ports;  // in the order they were first seen
  std::vector<ObjectStats> objects;  // scenario regions and semaphores, in declaration order
  uint64_t trace_lost{0};
};

// Per-core counts from trace records (sequence order). Cores with no records are listed too,
// up to `cores`.
std::vector<CoreStats> core_stats(std::span<const kernel::TraceRecord> records, uint32_t cores);

void write_stats(std::ostream& out, const StatsReport& report,
                 std::span<const kernel::TraceRecord> records);

}  // namespace emu
