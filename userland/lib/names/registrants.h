// userland/lib/names/registrants.h - the tasks that own names, and the lifeline of each.
//
// Lifelines (docs/names.md, "How the service learns that a task died"): on its first
// registration a task makes a port, keeps its receive right and gives the server a send
// right to it. A port dies with the task that holds its receive right, so the server asks
// hb_handle_info(lifeline) whether HB_INFO_PEER_CLOSED is set: if so, the task has exited
// or was killed, and its names go. Only SPEC 3 calls, no kernel support for "watch a task".
//
// Pure bookkeeping like name_table.h: task id -> record { lifeline handle, names owned }.
// Records never move (names point at them by index); found in O(1) through a ProbeIndex.
#pragma once

#include <harbor/sys.h>

#include "probe_index.h"

namespace harbor::names {

constexpr uint32_t kMaxRegistrants = 1024;
constexpr uint32_t kRegistrantSlots = 2048;
constexpr uint16_t kNoRegistrant = 0xffff;

struct Registrant {
  hb_task_id_t task;
  hb_handle_t lifeline;  // the server's send right to the task's lifeline port
  uint32_t names;        // names it owns now (at most HB_NAMES_PER_TASK)
  bool used;
};

class Registrants {
 public:
  // The record of `task`, or kNoRegistrant.
  uint16_t find(hb_task_id_t task) const;
  // A new record for `task` (not present) with its lifeline; kNoRegistrant when full.
  uint16_t add(hb_task_id_t task, hb_handle_t lifeline);
  // Forgets the record (the caller closed its lifeline and its names first).
  void remove(uint16_t index);

  Registrant& at(uint16_t index) { return m_records[index]; }
  uint32_t size() const { return m_size; }
  uint32_t high_water() const { return m_high_water; }

 private:
  uint32_t slot_of(hb_task_id_t task) const;

  ProbeIndex<kRegistrantSlots> m_index{};
  Registrant m_records[kMaxRegistrants]{};
  uint16_t m_free[kMaxRegistrants]{};
  uint32_t m_free_count{0};
  uint32_t m_high_water{0};
  uint32_t m_size{0};
};

}  // namespace harbor::names
