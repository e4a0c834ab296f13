// kernel/mapping.h - one grant region mapped into one task (see grant_region.h).
#pragma once

#include <kernel/lib/list.h>

#include <cstdint>

namespace kernel {

class Task;
class GrantRegion;

struct Mapping {
  ListNode m_task_node;    // in Task::m_mappings
  ListNode m_region_node;  // in GrantRegion::m_mappings
  Task* task{nullptr};
  GrantRegion* region{nullptr};  // retained while mapped
  uint64_t address{0};
  bool writable{false};
};

}  // namespace kernel
