// emulator/trace_names.cc - the words every trace exporter shares: names of record kinds,
// syscalls and statuses, and how a time is printed.
#include "trace_export.h"

#include <harbor/abi/syscalls.h>
#include <harbor/sys.h>

#include <algorithm>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <map>

namespace emu {

std::string TraceNames::task(hb_task_id_t id) const {
  if (id == 0) return "kernel";
  auto it = tasks.find(id);
  std::string name = it == tasks.end() || it->second.empty() ? "task" : it->second;
  return name + "[" + std::to_string(id) + "]";
}

std::string TraceNames::object(uint64_t koid) const {
  auto it = objects.find(koid);
  if (it != objects.end()) return it->second;
  return "obj " + std::to_string(koid);
}

void TraceNames::note_record(const kernel::TraceRecord& r) {
  if (r.kind == kernel::TraceKind::Send && r.syscall == HB_SYS_TASK_SPAWN && r.message != 0)
    start_messages.insert(r.message);
}

const char* kind_label(kernel::TraceKind kind) {
  using kernel::TraceKind;
  switch (kind) {
    case TraceKind::SyscallEnter: return "syscall";
    case TraceKind::SyscallExit: return "return";
    case TraceKind::Block: return "block";
    case TraceKind::Wake: return "wake";
    case TraceKind::Send: return "send";
    case TraceKind::Receive: return "receive";
    case TraceKind::Copy: return "copy";
    case TraceKind::TaskStart: return "start";
    case TraceKind::TaskExit: return "exit";
    case TraceKind::QueueDepth: return "depth";
    case TraceKind::CacheHit: return "cache-hit";
    case TraceKind::CacheMiss: return "cache-miss";
    case TraceKind::CacheRefill: return "cache-refill";
    case TraceKind::CacheFlush: return "cache-flush";
    case TraceKind::RegionCacheHit: return "region-cache-hit";
    case TraceKind::RegionCacheMiss: return "region-cache-miss";
    case TraceKind::RegionCacheRefill: return "region-cache-refill";
    case TraceKind::RegionCacheFlush: return "region-cache-flush";
  }
  return "record?";
}

const char* syscall_label(uint16_t number) {
  switch (number) {
    case HB_SYS_PORT_CREATE: return "port_create";
    case HB_SYS_SEND: return "send";
    case HB_SYS_SEND_TASK: return "send_task";
    case HB_SYS_RECV: return "recv";
    case HB_SYS_CALL: return "call";
    case HB_SYS_REPLY: return "reply";
    case HB_SYS_REPLY_RECV: return "reply_recv";
    case HB_SYS_HANDLE_CLOSE: return "handle_close";
    case HB_SYS_HANDLE_DUP: return "handle_dup";
    case HB_SYS_HANDLE_INFO: return "handle_info";
    case HB_SYS_BADGE_MINT: return "badge_mint";
    case HB_SYS_REGION_CREATE: return "region_create";
    case HB_SYS_REGION_MAP: return "region_map";
    case HB_SYS_REGION_UNMAP: return "region_unmap";
    case HB_SYS_REGION_REVOKE: return "region_revoke";
    case HB_SYS_SEM_CREATE: return "sem_create";
    case HB_SYS_SEM_WAIT: return "sem_wait";
    case HB_SYS_SEM_POST: return "sem_post";
    case HB_SYS_TASK_SPAWN: return "task_spawn";
    case HB_SYS_TASK_WAIT: return "task_wait";
    case HB_SYS_TASK_SELF: return "task_self";
    case HB_SYS_TASK_EXIT: return "task_exit";
    case HB_SYS_YIELD: return "yield";
    case HB_SYS_CLOCK_NS: return "clock_ns";
    case HB_SYS_DEBUG_WRITE: return "debug_write";
    case HB_SYS_TASK_KILL: return "task_kill";
    default: return "sys?";
  }
}

std::string status_label(int64_t value) {
  if (value == HB_OK) return "OK";  // "return send = OK": a trace line reads better this way
  // One table of names: the runtime's hb_strerror (userland/runtime/strerror.cc). A value
  // that is not a status (a task id, a count) prints as the number it is.
  if (value < 0 && value >= INT32_MIN) {
    const std::string name = hb_strerror(static_cast<hb_status_t>(value));
    if (name != "HB_ERR_UNKNOWN") return name;
  }
  return std::to_string(value);
}

std::string relative_time(uint64_t time, uint64_t base) {
  const uint64_t ns = time >= base ? time - base : 0;
  char text[40];
  std::snprintf(text, sizeof text, "+%" PRIu64 ".%03" PRIu64 "us", ns / 1000, ns % 1000);
  return text;
}

void sort_by_sequence(std::vector<kernel::TraceRecord>& records) {
  std::stable_sort(records.begin(), records.end(),
                   [](const kernel::TraceRecord& a, const kernel::TraceRecord& b) {
                     return a.sequence < b.sequence;
                   });
}

void attribute_syscalls(std::vector<kernel::TraceRecord>& records) {
  std::map<hb_task_id_t, uint16_t> current;  // task -> the syscall it entered last
  for (kernel::TraceRecord& r : records) {
    if (r.kind == kernel::TraceKind::SyscallEnter) current[r.task] = r.syscall;
    else if (r.kind == kernel::TraceKind::Block && r.syscall == 0) {
      auto it = current.find(r.task);
      if (it != current.end()) r.syscall = it->second;
    }
  }
}

}  // namespace emu
