// emulator/trace_mermaid.cc - a trace as a Mermaid `sequenceDiagram`, for a lesson page.
//
//   sequenceDiagram
//     participant K as kernel
//     participant T1 as producer[1]
//     participant T2 as consumer[2]
//     K->>T1: start message (0 B)
//     Note over T2: blocks in recv on port jobs
//     T1->>T2: msg 3 (8 B) via port jobs
//     Note over T2: wakes: OK
//     Note over T1: exits with 0
//
// A message becomes an arrow when it is received (the Receive record names both ends and the
// size); the port it went through comes from the matching Send record. Messages never received (their port died) draw
// no arrow. Syscall entries, copies and cache events are left out: a diagram is for the
// conversation, the text and Chrome traces are for the details.
#include "trace_export.h"

#include <set>
#include <unordered_map>

namespace emu {
namespace {

using kernel::TraceKind;

// Mermaid ends a statement at ';' and reads '#...;' as an entity: keep text out of trouble.
std::string mermaid_text(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == ';' || c == '\n' || c == '\r') out += ',';
    else if (c == '#') out += "no.";
    else out += c;
  }
  return out;
}

std::string participant(hb_task_id_t id) { return id == 0 ? "K" : "T" + std::to_string(id); }

bool drawn(TraceKind kind) {
  return kind == TraceKind::Receive || kind == TraceKind::Block || kind == TraceKind::Wake ||
         kind == TraceKind::TaskExit;
}

}  // namespace

void write_trace_mermaid(std::ostream& out, std::span<const kernel::TraceRecord> records,
                         const TraceNames& names) {
  out << "sequenceDiagram\n";

  // Participants, in order of first appearance (the sender of a message before its receiver).
  std::vector<hb_task_id_t> order;
  std::set<hb_task_id_t> seen;
  auto appear = [&](hb_task_id_t id) {
    if (seen.insert(id).second) order.push_back(id);
  };
  std::unordered_map<uint64_t, uint64_t> port_of;  // message id -> port koid (from Send)
  for (const kernel::TraceRecord& r : records) {
    if (r.kind == TraceKind::Send && r.message != 0) port_of[r.message] = r.object;
    if (!drawn(r.kind)) continue;
    if (r.kind == TraceKind::Receive) appear(r.peer);
    appear(r.task);
  }
  for (hb_task_id_t id : order)
    out << "  participant " << participant(id) << " as " << mermaid_text(names.task(id))
        << '\n';

  for (const kernel::TraceRecord& r : records) {
    const std::string who = participant(r.task);
    switch (r.kind) {
      case TraceKind::Receive: {
        std::string label = r.peer == 0 || names.is_start_message(r.message) ? "start message"
                            : r.message == 0  ? "reply"  // replies have no message id
                                              : "msg " + std::to_string(r.message);
        label += " (" + std::to_string(r.value) + " B)";
        uint64_t port = r.object;
        if (auto sent = port_of.find(r.message); port == 0 && sent != port_of.end())
          port = sent->second;
        if (r.peer != 0 && port != 0 && !names.is_start_message(r.message))
          label += " via " + names.object(port);
        out << "  " << participant(r.peer) << "->>" << who << ": " << mermaid_text(label)
            << '\n';
        break;
      }
      case TraceKind::Block: {
        std::string label = std::string("blocks in ") + syscall_label(r.syscall);
        if (r.object != 0) label += " on " + names.object(r.object);
        out << "  Note over " << who << ": " << mermaid_text(label) << '\n';
        break;
      }
      case TraceKind::Wake:
        out << "  Note over " << who << ": wakes: " << mermaid_text(status_label(r.value))
            << '\n';
        break;
      case TraceKind::TaskExit:
        out << "  Note over " << who << ": exits with " << r.value << '\n';
        break;
      default:
        break;
    }
  }
}

}  // namespace emu
