// kernel/trace.cc - per-core trace rings (see trace.h).
#include <arch/clock.h>
#include <kernel/lib/kmem.h>
#include <kernel/trace.h>

namespace kernel {

const char* trace_kind_name(TraceKind kind) {
  switch (kind) {
    case TraceKind::SyscallEnter: return "syscall";
    case TraceKind::SyscallExit: return "return";
    case TraceKind::Block: return "block";
    case TraceKind::Wake: return "wake";
    case TraceKind::Send: return "send";
    case TraceKind::Receive: return "receive";
    case TraceKind::Copy: return "copy";
    case TraceKind::TaskStart: return "task-start";
    case TraceKind::TaskExit: return "task-exit";
    case TraceKind::QueueDepth: return "queue-depth";
    case TraceKind::CacheHit: return "cache-hit";
    case TraceKind::CacheMiss: return "cache-miss";
    case TraceKind::CacheRefill: return "cache-refill";
    case TraceKind::CacheFlush: return "cache-flush";
    case TraceKind::RegionCacheHit: return "region-cache-hit";
    case TraceKind::RegionCacheMiss: return "region-cache-miss";
    case TraceKind::RegionCacheRefill: return "region-cache-refill";
    case TraceKind::RegionCacheFlush: return "region-cache-flush";
  }
  return "?";
}

Trace::~Trace() {
  for (Ring& ring : m_rings)
    if (ring.records) free_bytes(ring.records, sizeof(TraceRecord) * kRingSize);
}

void Trace::record(TraceKind kind, hb_task_id_t task, uint16_t syscall, uint64_t object,
                   int64_t value, hb_task_id_t peer, uint64_t message) {
  uint32_t core = arch::current_core();
  Ring& ring = m_rings[core];
  if (!ring.records) {
    ring.records = static_cast<TraceRecord*>(alloc_bytes(sizeof(TraceRecord) * kRingSize));
    if (!ring.records) {
      __atomic_add_fetch(&m_lost, 1, __ATOMIC_RELAXED);
      return;
    }
  }
  TraceRecord& r = ring.records[ring.head % kRingSize];
  r = TraceRecord{arch::clock_ns(), __atomic_add_fetch(&m_sequence, 1, __ATOMIC_RELAXED), task, peer, object, message, value, core,
                  syscall, kind};
  ++ring.head;
}

}  // namespace kernel
