// emulator/trace_chrome.cc - a trace as Chrome trace-event JSON (open it in
// https://ui.perfetto.dev or chrome://tracing).
//
// The mapping (format: "Trace Event Format", Google):
//   process 1 "harbor"                       metadata "M" process_name
//   one thread (track) per task, tid = id    metadata "M" thread_name "producer[1]"
//   SyscallEnter .. SyscallExit              complete event "X" named after the syscall
//   Block, Wake, Copy, TaskStart/Exit,       instant events "i" (scope "t": the task's track)
//     CacheHit/Miss/Refill/Flush, Send, Receive
//   Send --message id--> Receive             flow events "s" (at the Send) and "f" (at the
//                                            Receive, "bp":"e"): Perfetto draws an arrow
//   QueueDepth                               counter "C" named "depth: port jobs"
// Times ("ts", "dur") are microseconds since the first record, as the format wants. A syscall
// that blocked ends at its Wake (the kernel writes no SyscallExit for it).
#include "trace_export.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <vector>

namespace emu {
namespace {

using kernel::TraceKind;
using nlohmann::json;

constexpr int kPid = 1;

struct OpenSyscall {
  double ts;
  uint16_t syscall;
  uint32_t core;
};

json instant(const std::string& name, const char* category, double ts, hb_task_id_t tid,
             json args) {
  return json{{"name", name}, {"cat", category}, {"ph", "i"}, {"s", "t"},
              {"ts", ts},     {"pid", kPid},     {"tid", tid}, {"args", std::move(args)}};
}

}  // namespace

json trace_to_chrome_json(std::span<const kernel::TraceRecord> records,
                          const TraceNames& names) {
  json events = json::array();
  events.push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", kPid}, {"tid", 0},
                    {"args", {{"name", "harbor"}}}});

  // One named track per task that appears anywhere, in order of first appearance.
  std::vector<hb_task_id_t> tracks;
  for (const kernel::TraceRecord& r : records) {
    if (r.kind == TraceKind::QueueDepth) continue;  // a counter: per port, not on a track
    if (std::find(tracks.begin(), tracks.end(), r.task) == tracks.end()) tracks.push_back(r.task);
  }
  for (hb_task_id_t tid : tracks) {
    events.push_back({{"name", "thread_name"}, {"ph", "M"}, {"pid", kPid}, {"tid", tid},
                      {"args", {{"name", names.task(tid)}}}});
    events.push_back({{"name", "thread_sort_index"}, {"ph", "M"}, {"pid", kPid}, {"tid", tid},
                      {"args", {{"sort_index", tid}}}});
  }

  // Times: microseconds since the first record, made strictly increasing in record order
  // (sequence order is the kernel's order: records are written under the kernel lock). In a
  // --deterministic run every record of one syscall has the same logical time; 1 ns apart
  // they still nest, so flows bind to the right slices.
  std::vector<double> ts_of(records.size());
  {
    uint64_t base = records.empty() ? 0 : records.front().time;
    for (const kernel::TraceRecord& r : records) base = std::min(base, r.time);
    uint64_t previous = 0;
    for (size_t i = 0; i < records.size(); ++i) {
      uint64_t ns = records[i].time - base;
      if (i > 0 && ns <= previous) ns = previous + 1;
      previous = ns;
      ts_of[i] = static_cast<double>(ns) / 1000.0;
    }
  }
  // A message handed to a waiting receiver is recorded Receive first, then Send: the flow
  // starts at whichever comes first. The Send record also names the port.
  // DOC: emu-chrome-message-flows
  std::map<uint64_t, double> first_seen;  // message id -> ts
  std::map<uint64_t, uint64_t> port_of;   // message id -> port koid
  for (size_t i = 0; i < records.size(); ++i) {
    const kernel::TraceRecord& r = records[i];
    if (r.message == 0) continue;
    if (r.kind == TraceKind::Send) port_of[r.message] = r.object;
    if (r.kind == TraceKind::Send || r.kind == TraceKind::Receive)
      first_seen.emplace(r.message, ts_of[i]);
  }

  std::map<hb_task_id_t, std::vector<OpenSyscall>> open;  // per task: syscalls entered
  double last_ts = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    const kernel::TraceRecord& r = records[i];
    const double ts = ts_of[i];
    last_ts = std::max(last_ts, ts);
    const json core = r.core;
    switch (r.kind) {
      case TraceKind::SyscallEnter:
        open[r.task].push_back({ts, r.syscall, r.core});
        break;
      case TraceKind::SyscallExit: {
        auto& stack = open[r.task];
        if (stack.empty()) break;  // closed already by its Wake
        const OpenSyscall s = stack.back();
        stack.pop_back();
        events.push_back({{"name", syscall_label(s.syscall)}, {"cat", "syscall"}, {"ph", "X"},
                          {"ts", s.ts}, {"dur", ts - s.ts}, {"pid", kPid}, {"tid", r.task},
                          {"args", {{"result", status_label(r.value)}, {"core", core}}}});
        break;
      }
      case TraceKind::Block:
        events.push_back(instant(std::string("block in ") + syscall_label(r.syscall), "sched",
                                 ts, r.task, {{"object", names.object(r.object)}, {"core", core}}));
        break;
      case TraceKind::Wake: {
        events.push_back(
            instant("wake", "sched", ts, r.task, {{"result", status_label(r.value)}, {"core", core}}));
        // A syscall that blocked has no SyscallExit record: its wake is where it returns.
        auto& stack = open[r.task];
        if (stack.empty()) break;
        const OpenSyscall s = stack.back();
        stack.pop_back();
        events.push_back({{"name", syscall_label(s.syscall)}, {"cat", "syscall"}, {"ph", "X"},
                          {"ts", s.ts}, {"dur", ts - s.ts}, {"pid", kPid}, {"tid", r.task},
                          {"args", {{"result", status_label(r.value)}, {"core", core},
                                    {"blocked", true}}}});
        break;
      }
      case TraceKind::Send:
        events.push_back(instant("send msg " + std::to_string(r.message), "ipc", ts, r.task,
                                 {{"bytes", r.value}, {"port", names.object(r.object)},
                                  {"core", core}}));
        if (r.message != 0)
          events.push_back({{"name", "message"}, {"cat", "ipc"}, {"ph", "s"}, {"id", r.message},
                            {"ts", first_seen[r.message]}, {"pid", kPid}, {"tid", r.task}});
        break;
      case TraceKind::Receive:
        events.push_back(instant(r.message != 0 ? "receive msg " + std::to_string(r.message)
                                                : std::string("receive reply"),
                                 "ipc", ts, r.task,
                                 {{"from", names.task(r.peer)}, {"bytes", r.value},
                                  {"port", names.object(r.object != 0 ? r.object
                                                                      : port_of[r.message])},
                                  {"core", core}}));
        if (r.message != 0)
          events.push_back({{"name", "message"}, {"cat", "ipc"}, {"ph", "f"}, {"bp", "e"},
                            {"id", r.message}, {"ts", ts}, {"pid", kPid}, {"tid", r.task}});
        break;
      case TraceKind::Copy:
        events.push_back(instant("copy", "ipc", ts, r.task, {{"bytes", r.value}, {"core", core}}));
        break;
      case TraceKind::TaskStart:
        events.push_back(
            instant("start", "task", ts, r.task, {{"parent", names.task(r.peer)}, {"core", core}}));
        break;
      case TraceKind::TaskExit:
        events.push_back(instant("exit", "task", ts, r.task, {{"code", r.value}, {"core", core}}));
        break;
      case TraceKind::QueueDepth:
        events.push_back({{"name", "depth: " + names.object(r.object)}, {"cat", "ipc"},
                          {"ph", "C"}, {"ts", ts}, {"pid", kPid},
                          {"args", {{"messages", r.value}}}});
        break;
      case TraceKind::CacheHit:
      case TraceKind::CacheMiss:
      case TraceKind::CacheRefill:
      case TraceKind::CacheFlush: {
        const char* name = r.kind == TraceKind::CacheHit    ? "cache hit"
                           : r.kind == TraceKind::CacheMiss ? "cache miss"
                           : r.kind == TraceKind::CacheRefill ? "cache refill"
                                                              : "cache flush";
        events.push_back(instant(name, "cache", ts, r.task, {{"size_class", r.value}, {"core", core}}));
        break;
      }
      case TraceKind::RegionCacheHit:
      case TraceKind::RegionCacheMiss:
      case TraceKind::RegionCacheRefill:
      case TraceKind::RegionCacheFlush: {
        const char* name = r.kind == TraceKind::RegionCacheHit    ? "region cache hit"
                           : r.kind == TraceKind::RegionCacheMiss ? "region cache miss"
                           : r.kind == TraceKind::RegionCacheRefill ? "region cache refill"
                                                                    : "region cache flush";
        events.push_back(instant(name, "cache", ts, r.task, {{"class_bytes", r.value}, {"core", core}}));
        break;
      }
    }
  }

  // Syscalls still open when the trace ends (the task died in them, or is still blocked).
  for (auto& [tid, stack] : open)
    for (const OpenSyscall& s : stack)
      events.push_back({{"name", syscall_label(s.syscall)}, {"cat", "syscall"}, {"ph", "X"},
                        {"ts", s.ts}, {"dur", last_ts - s.ts}, {"pid", kPid}, {"tid", tid},
                        {"args", {{"result", "unfinished"}, {"core", s.core}}}});

  return json{{"traceEvents", std::move(events)}, {"displayTimeUnit", "ns"}};
}

void write_trace_chrome(std::ostream& out, std::span<const kernel::TraceRecord> records,
                        const TraceNames& names) {
  out << trace_to_chrome_json(records, names).dump(1) << '\n';
}

}  // namespace emu
