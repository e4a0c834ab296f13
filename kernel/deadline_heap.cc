// kernel/deadline_heap.cc - a binary min-heap of blocked tasks keyed by deadline.
#include <kernel/deadline_heap.h>

namespace kernel {

void DeadlineHeap::insert(Task& task) {
  KASSERT(m_size < kCapacity, "deadline heap full");
  KASSERT(task.wait().heap_index == UINT32_MAX, "task already in the deadline heap");
  m_items[m_size] = &task;
  task.wait().heap_index = m_size;
  sift_up(m_size++);
}

void DeadlineHeap::remove(Task& task) {
  uint32_t index = task.wait().heap_index;
  KASSERT(index < m_size && m_items[index] == &task, "task not in the deadline heap");
  task.wait().heap_index = UINT32_MAX;
  --m_size;
  if (index == m_size) return;
  m_items[index] = m_items[m_size];
  m_items[index]->wait().heap_index = index;
  sift_up(index);
  sift_down(m_items[index]->wait().heap_index);
}

void DeadlineHeap::swap(uint32_t a, uint32_t b) {
  Task* t = m_items[a];
  m_items[a] = m_items[b];
  m_items[b] = t;
  m_items[a]->wait().heap_index = a;
  m_items[b]->wait().heap_index = b;
}

void DeadlineHeap::sift_up(uint32_t index) {
  while (index > 0) {
    uint32_t parent = (index - 1) / 2;
    if (m_items[parent]->wait().deadline <= m_items[index]->wait().deadline) break;
    swap(parent, index);
    index = parent;
  }
}

void DeadlineHeap::sift_down(uint32_t index) {
  for (;;) {
    uint32_t smallest = index;
    uint32_t left = 2 * index + 1;
    uint32_t right = left + 1;
    if (left < m_size && m_items[left]->wait().deadline < m_items[smallest]->wait().deadline)
      smallest = left;
    if (right < m_size && m_items[right]->wait().deadline < m_items[smallest]->wait().deadline)
      smallest = right;
    if (smallest == index) return;
    swap(index, smallest);
    index = smallest;
  }
}

}  // namespace kernel
