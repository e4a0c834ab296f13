// kernel/lib/list.h - an intrusive doubly linked list (STYLE 5: blocking never allocates).
//
// An object that can sit on a list embeds a ListNode; the list links those nodes and never
// owns or allocates anything. Push, pop and unlink are O(1).
#pragma once

#include <kernel/lib/kassert.h>

#include <cstddef>
#include <cstdint>

namespace kernel {

struct ListNode {
  ListNode* prev{nullptr};
  ListNode* next{nullptr};
  void* owner{nullptr};  // the object that embeds this node (set while linked)
  bool linked() const { return next != nullptr; }
};

// IntrusiveList<T, &T::m_node>: FIFO by default (push_back, pop_front).
template <typename T, ListNode T::*Node>
class IntrusiveList {
 public:
  IntrusiveList() { m_head.prev = m_head.next = &m_head; }
  IntrusiveList(const IntrusiveList&) = delete;
  IntrusiveList& operator=(const IntrusiveList&) = delete;

  bool empty() const { return m_head.next == &m_head; }
  size_t size() const { return m_size; }

  void push_back(T& item) {
    ListNode& n = item.*Node;
    KASSERT(!n.linked(), "list node already linked");
    n.owner = &item;
    n.prev = m_head.prev;
    n.next = &m_head;
    m_head.prev->next = &n;
    m_head.prev = &n;
    ++m_size;
  }
  T* front() const { return empty() ? nullptr : owner(m_head.next); }
  T* pop_front() {
    T* item = front();
    if (item) remove(*item);
    return item;
  }
  void remove(T& item) {
    ListNode& n = item.*Node;
    KASSERT(n.linked(), "removing an unlinked list node");
    n.prev->next = n.next;
    n.next->prev = n.prev;
    n.prev = n.next = nullptr;
    n.owner = nullptr;
    --m_size;
  }
  // Iteration: for (T* t = list.front(); t; t = list.next(*t))
  T* next(const T& item) const {
    const ListNode* n = (item.*Node).next;
    return n == &m_head ? nullptr : owner(const_cast<ListNode*>(n));
  }

 private:
  static T* owner(ListNode* n) { return static_cast<T*>(n->owner); }

  ListNode m_head;
  size_t m_size{0};
};

}  // namespace kernel
