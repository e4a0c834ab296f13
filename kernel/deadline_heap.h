// kernel/deadline_heap.h - blocked tasks with a timeout, earliest deadline first.
//
// A binary min-heap over a fixed array (no allocation while blocking): insert and remove
// are O(log n) in the number of tasks with a timeout, the earliest deadline is O(1).
#pragma once

#include <kernel/task.h>

#include <cstdint>

namespace kernel {

class DeadlineHeap {
 public:
  static constexpr uint32_t kCapacity = 4096;  // == Kernel::kMaxTasks

  void insert(Task& task);  // task.wait().deadline must be set
  void remove(Task& task);  // task must be in the heap
  Task* earliest() const { return m_size ? m_items[0] : nullptr; }
  uint64_t earliest_deadline() const { return m_size ? m_items[0]->wait().deadline : UINT64_MAX; }
  uint32_t size() const { return m_size; }

 private:
  void swap(uint32_t a, uint32_t b);
  void sift_up(uint32_t index);
  void sift_down(uint32_t index);

  Task* m_items[kCapacity]{};
  uint32_t m_size{0};
};

}  // namespace kernel
