// emulator/trace_export.h - turning kernel trace records into something a person reads.
//
//   kernel::Trace (rings per core) --Machine::drain_trace--> std::vector<TraceRecord>
//        --sort_by_sequence--> write_trace_text     (trace_text.cc: a terminal, one line each)
//                              write_trace_mermaid  (trace_mermaid.cc: a lesson page)
//                              trace_to_chrome_json (trace_chrome.cc: Perfetto / chrome://tracing)
//
// Every exporter is a pure function of the record list and the names below: no kernel, no
// machine, no clock. That is what makes them testable with hand-made records
// (tests/emulator/trace_export_test.cc) and their output repeatable in deterministic mode.
#pragma once

#include <kernel/trace.h>
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <map>
#include <set>
#include <ostream>
#include <span>
#include <string>
#include <vector>

namespace emu {

// What to call things. Anything not listed gets a generated name ("task 7", "port 12").
struct TraceNames {
  std::map<hb_task_id_t, std::string> tasks;  // task id -> name ("producer")
  std::map<uint64_t, std::string> objects;    // koid -> label ("port jobs", "inbox of a[1]")
  std::set<uint64_t> start_messages;          // message ids of start messages (note_record)

  // "producer[1]", "kernel" for task 0, "task[7]" when unnamed.
  std::string task(hb_task_id_t id) const;
  // The label when named, else "obj 12".
  std::string object(uint64_t koid) const;
  // Learns from a record what later records need (a start message's id, from the Send that
  // hb_task_spawn records: it has no other mark, and must not read as a reply).
  void note_record(const kernel::TraceRecord& r);
  // Was message `id` (not 0) a start message?
  bool is_start_message(uint64_t id) const { return id != 0 && start_messages.count(id) != 0; }
};

// --- shared vocabulary (trace_names.cc) ---
const char* kind_label(kernel::TraceKind kind);  // "syscall", "return", "block", ...
const char* syscall_label(uint16_t number);      // "send", "recv", "call", ... or "sys?"
std::string status_label(int64_t value);          // "OK", "HB_ERR_PEER_CLOSED", or the number
std::string relative_time(uint64_t time, uint64_t base);  // "+12.345us"

// Records as drained come oldest-first per core; this puts them in global (sequence) order.
void sort_by_sequence(std::vector<kernel::TraceRecord>& records);
// Fills in `syscall` where the kernel left it 0 on a Block (the task's wait does not record
// it): a task blocks in the syscall it entered last. Records must be in sequence order.
void attribute_syscalls(std::vector<kernel::TraceRecord>& records);

// --- text (trace_text.cc) ---
// One record, without a trailing newline, e.g.
//   "c0  +1.250us  producer[1]  send msg 3 (8 B) into port jobs"
// `base` is the time printed as +0.
std::string format_trace_line(const kernel::TraceRecord& record, const TraceNames& names,
                              uint64_t base);
// Every record, one line each; the first record's time is +0.
void write_trace_text(std::ostream& out, std::span<const kernel::TraceRecord> records,
                      const TraceNames& names);

// --- Mermaid (trace_mermaid.cc) ---
// A `sequenceDiagram`: one participant per task (in order of first appearance), one arrow per
// delivered message (sender -> receiver, at the Receive record), notes for block / wake /
// exit. Paste it into a ```mermaid block of a lesson page.
void write_trace_mermaid(std::ostream& out, std::span<const kernel::TraceRecord> records,
                         const TraceNames& names);

// --- Chrome trace-event JSON (trace_chrome.cc) ---
// {"traceEvents": [...], "displayTimeUnit": "ns"}: one track (tid) per task, a complete event
// ("X") per syscall, instants ("i") for block / wake / copy / cache, flow events ("s" -> "f")
// from each Send to its Receive by message id, counters ("C") for port queue depth.
nlohmann::json trace_to_chrome_json(std::span<const kernel::TraceRecord> records,
                                    const TraceNames& names);
void write_trace_chrome(std::ostream& out, std::span<const kernel::TraceRecord> records,
                        const TraceNames& names);

}  // namespace emu
