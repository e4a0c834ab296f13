// emulator/stats.cc - see stats.h.
#include "stats.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <map>

namespace emu {

std::vector<CoreStats> core_stats(std::span<const kernel::TraceRecord> records, uint32_t cores) {
  using kernel::TraceKind;
  uint32_t count = cores;
  for (const kernel::TraceRecord& r : records) count = std::max(count, r.core + 1);
  std::vector<CoreStats> out(count);
  std::vector<hb_task_id_t> last_task(count, 0);
  std::vector<bool> seen(count, false);
  for (uint32_t c = 0; c < count; ++c) out[c].core = c;
  for (const kernel::TraceRecord& r : records) {
    CoreStats& s = out[r.core];
    if (r.task != 0) {  // kernel records (task 0) do not run "on behalf of" anyone
      if (seen[r.core] && last_task[r.core] != r.task) ++s.switches;
      seen[r.core] = true;
      last_task[r.core] = r.task;
    }
    switch (r.kind) {
      case TraceKind::SyscallEnter: ++s.syscalls; break;
      case TraceKind::Send: ++s.sends; break;
      case TraceKind::Receive:
        ++s.receives;
        s.bytes += static_cast<uint64_t>(r.value);
        break;
      case TraceKind::Block: ++s.blocks; break;
      case TraceKind::Wake: ++s.wakes; break;
      case TraceKind::CacheHit: ++s.cache_hits; break;
      case TraceKind::CacheMiss: ++s.cache_misses; break;
      case TraceKind::RegionCacheHit: ++s.region_hits; break;
      case TraceKind::RegionCacheMiss: ++s.region_misses; break;
      case TraceKind::RegionCacheRefill: ++s.region_refills; break;
      case TraceKind::RegionCacheFlush: ++s.region_flushes; break;
      default: break;
    }
  }
  return out;
}

namespace {

const char* mode_name(uint32_t mode) {
  switch (mode) {
    case HB_PORT_RENDEZVOUS: return "rendezvous";
    case HB_PORT_BOUNDED: return "bounded";
    case HB_PORT_UNBOUNDED: return "unbounded";
    default: return "?";
  }
}

std::string line(const char* format, ...) __attribute__((format(printf, 1, 2)));
std::string line(const char* format, ...) {
  char buffer[256];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  return std::string(buffer) + "\n";
}

std::string task_label(const TaskStats& t) {
  return (t.name.empty() ? std::string("task") : t.name) + "[" + std::to_string(t.id) + "]";
}

// Region memory through the hosted per-core caches (hosted/region_cache.h): the cache's own
// counters when the report has them, else what the trace recorded (no held/bypassed then).
// Nothing when neither saw a region made through the cache.
void write_region_caches(std::ostream& out, const StatsReport& report,
                         std::span<const kernel::TraceRecord> records) {
  using ull = unsigned long long;
  std::vector<hosted::RegionCacheStats> rows = report.region_caches;
  bool from_trace = rows.empty();
  if (from_trace) {
    for (const CoreStats& c : core_stats(records, report.cores)) {
      hosted::RegionCacheStats r;
      r.hits = c.region_hits;
      r.misses = c.region_misses;
      r.refills = c.region_refills;
      r.flushes = c.region_flushes;
      rows.push_back(r);
    }
  }
  uint64_t seen = 0;
  for (const hosted::RegionCacheStats& r : rows) seen += r.hits + r.misses + r.bypassed + r.held;
  if (seen == 0) return;
  out << (from_trace ? "region memory caches per core (from the trace):\n"
                     : "region memory caches per core (memfds; held: freed while a task might "
                       "still map them):\n");
  out << line("  %-5s %11s %13s %6s %9s", "core", "region h/m", "refill/flush", "held",
              "bypassed");
  for (size_t core = 0; core < rows.size(); ++core) {
    const hosted::RegionCacheStats& r = rows[core];
    std::string hits = std::to_string(r.hits) + "/" + std::to_string(r.misses);
    std::string pool = std::to_string(r.refills) + "/" + std::to_string(r.flushes);
    std::string held = from_trace ? "-" : std::to_string(r.held);
    std::string bypassed = from_trace ? "-" : std::to_string(r.bypassed);
    out << line("  %-5llu %11s %13s %6s %9s", (ull)core, hits.c_str(), pool.c_str(), held.c_str(),
                bypassed.c_str());
  }
}

// The scenario's regions and semaphores: what the kernel counted for each over the run
// (GrantRegion::stats_*, Semaphore::stats_*), and its state at the end.
void write_objects(std::ostream& out, const StatsReport& report) {
  if (report.objects.empty()) return;  // a scenario without regions or semaphores
  auto count = [](uint64_t n, const char* what) { return std::to_string(n) + " " + what; };
  out << "per region and semaphore (calls over the run; state at the end):\n";
  out << line("  %-26s %-10s %-38s %s", "object", "kind", "calls", "state");
  for (const ObjectStats& o : report.objects) {
    std::string calls, state;
    if (o.kind == ObjectStats::Kind::Region) {
      calls = count(o.maps, "maps") + ", " + count(o.unmaps, "unmaps");
      if (o.revokes) calls += ", " + count(o.revokes, o.revokes == 1 ? "revoke" : "revokes");
      state = std::to_string(o.size) + " bytes, " + std::to_string(o.mappings) +
              (o.mappings == 1 ? " mapping" : " mappings") + (o.revoked ? ", revoked" : "");
    } else {
      calls = count(o.posts, "posts") + ", " + count(o.waits, "waits") + " (" +
              count(o.blocks, "blocked") + ")";
      state = "count " + std::to_string(o.count) + " of max " + std::to_string(o.max);
    }
    out << line("  %-26s %-10s %-38s %s", o.label.c_str(),
                o.kind == ObjectStats::Kind::Region ? "region" : "semaphore", calls.c_str(),
                state.c_str());
  }
}

}  // namespace

void write_stats(std::ostream& out, const StatsReport& report,
                 std::span<const kernel::TraceRecord> records) {
  using ull = unsigned long long;
  const kernel::KernelStats& k = report.kernel;
  out << "== statistics ==\n";
  out << line("kernel: %llu tasks created (%llu alive), %llu syscalls, %llu messages sent, "
              "%llu received, %llu bytes copied, %llu blocks, %llu wake-ups, %llu objects alive",
              (ull)k.tasks_created, (ull)k.tasks_alive, (ull)k.syscalls, (ull)k.messages_sent,
              (ull)k.messages_received, (ull)k.bytes_copied, (ull)k.blocks, (ull)k.wakeups,
              (ull)k.objects_alive);
  out << line("kernel lock: %llu entries, %llu syscalls on the core side only (their core's "
              "lock and their port's), %llu of them ran again with the whole kernel locked",
              (ull)k.kernel_entries, (ull)k.core_side, (ull)k.whole_kernel_retries);

  out << "per core (from the trace; the message-buffer caches' own counters):\n";
  out << line("  %-5s %9s %7s %9s %10s %7s %7s %9s %11s %13s", "core", "syscalls", "sends",
              "receives", "bytes", "blocks", "wakes", "switches", "cache h/m",
              "refill/flush");
  for (const CoreStats& c : core_stats(records, report.cores)) {
    // The caches' own counters when the kernel has them; else what the trace recorded.
    std::string cache = std::to_string(c.cache_hits) + "/" + std::to_string(c.cache_misses);
    std::string pool = "-";
    if (c.core < report.caches.size()) {
      const kernel::CoreCacheStats& magazines = report.caches[c.core];
      cache = std::to_string(magazines.hits) + "/" + std::to_string(magazines.misses);
      pool = std::to_string(magazines.refills) + "/" + std::to_string(magazines.flushes);
    }
    out << line("  %-5u %9llu %7llu %9llu %10llu %7llu %7llu %9llu %11s %13s", c.core,
                (ull)c.syscalls, (ull)c.sends, (ull)c.receives, (ull)c.bytes, (ull)c.blocks,
                (ull)c.wakes, (ull)c.switches, cache.c_str(), pool.c_str());
  }
  if (report.trace_lost > 0)
    out << line("  (%llu trace records were overwritten before they were read: the counts "
                "above are low)", (ull)report.trace_lost);
  write_region_caches(out, report, records);

  out << "per task:\n";
  out << line("  %-18s %6s %5s %9s %6s %9s %7s  %s", "task", "parent", "core", "syscalls",
              "sent", "received", "blocks", "state");
  for (const TaskStats& t : report.tasks) {
    const std::string state = t.alive ? "running" : "exit " + std::to_string(t.exit_code);
    const std::string core = t.core == UINT32_MAX ? "-" : std::to_string(t.core);
    out << line("  %-18s %6llu %5s %9llu %6llu %9llu %7llu  %s", task_label(t).c_str(),
                (ull)t.parent, core.c_str(), (ull)t.syscalls, (ull)t.sent, (ull)t.received,
                (ull)t.blocks, state.c_str());
  }
  if (report.tasks.empty()) out << "  (none seen)\n";

  out << "per port:\n";
  out << line("  %-26s %-10s %4s %6s %9s %9s %6s  %s", "port", "mode", "cap", "sent",
              "received", "max depth", "queued", "state");
  for (const PortStats& p : report.ports) {
    out << line("  %-26s %-10s %4u %6llu %9llu %9u %6u  %s", p.label.c_str(), mode_name(p.mode),
                p.capacity, (ull)p.sent, (ull)p.received, p.max_depth, p.queued,
                p.dead ? "dead" : "open");
  }
  if (report.ports.empty()) out << "  (none seen)\n";

  write_objects(out, report);
}

}  // namespace emu
