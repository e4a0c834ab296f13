// kernel/trace.h - cheap, always-on tracing (STYLE 16): a fixed ring of typed records per
// core. The kernel writes records; the emulator (emulator/trace_*.cc) drains and prints
// them as text, a Mermaid sequenceDiagram, or Chrome trace-event JSON.
#pragma once

#include <arch/cpu.h>
#include <harbor/sys.h>

#include <cstdint>

namespace kernel {

enum class TraceKind : uint16_t {
  SyscallEnter,   // task entered syscall `syscall`
  SyscallExit,    // ... and it returned `value` (status or result)
  Block,          // task blocked in `syscall` on `object`
  Wake,           // task woke with `value`
  Send,           // message `message` (of `value` bytes) entered port `object` (queued or handed)
  Receive,        // message `message` left port `object` to `task`; `peer` sent it
  Copy,           // `value` bytes copied between user and kernel for `task`
  TaskStart,      // task started (peer = parent)
  TaskExit,       // task exited with `value`
  QueueDepth,     // port `object` now holds `value` messages
  CacheHit,       // per-core cache served an allocation (value = size class)
  CacheMiss,      // ... and had to go to the shared pool
  CacheRefill,    // ... which gave this core's magazine a batch (value = size class)
  CacheFlush,     // a full magazine gave a batch back to the pool (value = size class)
  // The same four for the hosted per-core caches of region memory (hosted/region_cache.h):
  // kinds of their own, so that message-buffer counts stay what they were (value = the size
  // class in bytes; the records are the arch's, task = the task whose syscall made them).
  RegionCacheHit,
  RegionCacheMiss,
  RegionCacheRefill,
  RegionCacheFlush,
};

const char* trace_kind_name(TraceKind kind);

struct TraceRecord {
  uint64_t time;       // arch::clock_ns() (a logical clock in deterministic mode)
  uint64_t sequence;   // global order of records
  hb_task_id_t task;
  hb_task_id_t peer;   // the other task, where there is one
  uint64_t object;     // koid of the port / reply / semaphore involved, or 0
  uint64_t message;    // message id (ties a Send to its Receive), or 0
  int64_t value;
  uint32_t core;
  uint16_t syscall;    // HB_SYS_* or 0
  TraceKind kind;
};

class Trace {
 public:
  static constexpr uint32_t kRingSize = 4096;  // records per core (a power of two)

  void set_enabled(bool enabled) { m_enabled = enabled; }
  bool enabled() const { return m_enabled; }

  // Appends a record, if tracing is on. Inline, so that with tracing off a record costs
  // one test and branch on the syscall path.
  void emit(TraceKind kind, hb_task_id_t task, uint16_t syscall, uint64_t object,
            int64_t value, hb_task_id_t peer = 0, uint64_t message = 0) {
    if (m_enabled) record(kind, task, syscall, object, value, peer, message);
  }

  // Calls `sink(record)` for every record not drained yet, oldest first per core, and
  // forgets them. Records overwritten before they were drained are counted in lost().
  template <typename Sink>
  void drain(Sink&& sink) {
    for (uint32_t core = 0; core < arch::kMaxCores; ++core) {
      Ring& ring = m_rings[core];
      if (ring.head - ring.tail > kRingSize) {
        __atomic_add_fetch(&m_lost, ring.head - ring.tail - kRingSize, __ATOMIC_RELAXED);
        ring.tail = ring.head - kRingSize;
      }
      for (; ring.tail != ring.head; ++ring.tail) sink(ring.records[ring.tail % kRingSize]);
    }
  }
  uint64_t lost() const { return __atomic_load_n(&m_lost, __ATOMIC_RELAXED); }
  uint64_t next_message_id() { return __atomic_add_fetch(&m_message_ids, 1, __ATOMIC_RELAXED); }

 private:
  void record(TraceKind kind, hb_task_id_t task, uint16_t syscall, uint64_t object,
              int64_t value, hb_task_id_t peer, uint64_t message);
  // A core writes its own ring under its own lock (kernel/kernel_lock.h); draining takes the
  // whole kernel. The counters below are shared by all cores, hence atomic.
  struct alignas(64) Ring {
    TraceRecord* records{nullptr};
    uint64_t head{0};
    uint64_t tail{0};
  };
  bool m_enabled{false};
  uint64_t m_sequence{0};     // atomic
  uint64_t m_lost{0};         // atomic
  uint64_t m_message_ids{0};  // atomic
  Ring m_rings[arch::kMaxCores];

 public:
  ~Trace();
};

}  // namespace kernel
