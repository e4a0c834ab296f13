// emulator/trace_text.cc - the terminal trace: one line per record.
//
//   c0  +1.250us  producer[1]     send msg 3 (8 B) into port jobs
//   |   |         |               '-- what happened, in words (see describe())
//   |   |         '-- the task the record is about: name[task id]
//   |   '-- time since the first record (a logical clock in --deterministic runs)
//   '-- the emulated core that wrote the record
#include "trace_export.h"

#include <algorithm>
#include <cstdio>

namespace emu {
namespace {

std::string on_object(const TraceNames& names, uint64_t koid) {
  return koid == 0 ? std::string() : " on " + names.object(koid);
}

std::string describe(const kernel::TraceRecord& r, const TraceNames& names) {
  using kernel::TraceKind;
  // Start messages (from the kernel, task 0) and replies carry no message id: they are not
  // sent through a port by a task.
  // A child's start message, made by its parent's hb_task_spawn, has an id (and its Send
  // record, syscall task_spawn, says what it is: TraceNames::note_record).
  const std::string msg = names.is_start_message(r.message)
                              ? "the start message (msg " + std::to_string(r.message) + ")"
                          : r.message != 0 ? "msg " + std::to_string(r.message)
                          : r.peer == 0    ? "the start message"
                                           : "a reply";
  switch (r.kind) {
    case TraceKind::SyscallEnter:
      return std::string("syscall ") + syscall_label(r.syscall);
    case TraceKind::SyscallExit:
      return std::string("return ") + syscall_label(r.syscall) + " = " + status_label(r.value);
    case TraceKind::Block:
      return std::string("block in ") + syscall_label(r.syscall) + on_object(names, r.object);
    case TraceKind::Wake:
      return "wake: " + status_label(r.value);
    case TraceKind::Send:  // peer: the receiver, when it was waiting and took it at once
      return "send " + msg + " (" + std::to_string(r.value) + " B) into " +
             names.object(r.object) + (r.peer != 0 ? ", handed to " + names.task(r.peer) : "");
    case TraceKind::Receive:  // the kernel records no port here: the Send record has it
      return "receive " + msg + " (" + std::to_string(r.value) + " B) from " +
             names.task(r.peer) + on_object(names, r.object);
    case TraceKind::Copy:
      return "copy " + std::to_string(r.value) + " B";
    case TraceKind::TaskStart:
      return "start (parent " + names.task(r.peer) + ")";
    case TraceKind::TaskExit:
      return "exit with " + std::to_string(r.value);
    case TraceKind::QueueDepth:
      return names.object(r.object) + " holds " + std::to_string(r.value);
    case TraceKind::CacheHit:
      return "cache hit (size class " + std::to_string(r.value) + ")";
    case TraceKind::CacheMiss:
      return "cache miss (size class " + std::to_string(r.value) + ")";
    case TraceKind::CacheRefill:
      return "cache refill from the pool (size class " + std::to_string(r.value) + ")";
    case TraceKind::CacheFlush:
      return "cache flush to the pool (size class " + std::to_string(r.value) + ")";
    case TraceKind::RegionCacheHit:
      return "region cache hit (" + std::to_string(r.value) + " B class)";
    case TraceKind::RegionCacheMiss:
      return "region cache miss (" + std::to_string(r.value) + " B class)";
    case TraceKind::RegionCacheRefill:
      return "region cache refill from the pool (" + std::to_string(r.value) + " B class)";
    case TraceKind::RegionCacheFlush:
      return "region cache flush to the pool (" + std::to_string(r.value) + " B class)";
  }
  return std::string(kind_label(r.kind));
}

}  // namespace

std::string format_trace_line(const kernel::TraceRecord& record, const TraceNames& names,
                              uint64_t base) {
  char head[64];
  std::snprintf(head, sizeof head, "c%-2u %12s  %-15s ", record.core,
                relative_time(record.time, base).c_str(), names.task(record.task).c_str());
  return head + describe(record, names);
}

void write_trace_text(std::ostream& out, std::span<const kernel::TraceRecord> records,
                      const TraceNames& names) {
  if (records.empty()) return;
  uint64_t base = records.front().time;
  for (const kernel::TraceRecord& record : records) base = std::min(base, record.time);
  for (const kernel::TraceRecord& record : records)
    out << format_trace_line(record, names, base) << '\n';
}

}  // namespace emu
