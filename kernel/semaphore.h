// kernel/semaphore.h - a counting semaphore, for tasks that share memory.
//
// hb_sem_wait takes one unit or blocks (FIFO) until a post; hb_sem_post(n) adds n units,
// handing them to waiters oldest first. Posting beyond `max` is HB_ERR_INVALID_ARG and
// changes nothing. Rights: HB_RIGHT_SEND to post, HB_RIGHT_RECV to wait (like a port).
#pragma once

#include <arch/lock.h>
#include <kernel/lib/list.h>
#include <kernel/lib/scoped_lock.h>
#include <kernel/object.h>
#include <kernel/task.h>

namespace kernel {

class Semaphore final : public KernelObject {
 public:
  static Result<Semaphore*> try_create(Kernel& kernel, Task& creator, uint32_t initial,
                                       uint32_t max);

  // Use try_create(); public only for kernel::make / kernel::destroy.
  Semaphore(Kernel& kernel, Task& creator, uint32_t initial, uint32_t max);
  ~Semaphore();

  uint32_t count() const { return m_count; }
  uint32_t max() const { return m_max; }

  // Takes a unit if there is one.
  bool try_take();
  void add_waiter(Task& task) { m_waiters.push_back(task); }
  void remove_waiter(Task& task) { m_waiters.remove(task); }
  // Adds `n` units, waking up to n waiters. InvalidArg (nothing changed) past max.
  Status post(uint32_t n);

  // The semaphore's own lock: hb_sem_wait and hb_sem_post run on the core side of the
  // kernel lock (kernel/kernel_lock.h) and take it while they use the semaphore, so two
  // cores meet only here. Whole-kernel code (a timeout, a death) needs no semaphore lock.
  void lock() { m_lock.lock(); }
  void unlock() { m_lock.unlock(); }

  // Statistics (harbor-emu --stats), counted by hb_sem_wait and hb_sem_post
  // (kernel/sys_semaphore.cc) under the semaphore's lock.
  uint64_t stats_posts{0};   // hb_sem_post calls that added units
  uint64_t stats_waits{0};   // hb_sem_wait calls on it (a unit taken, a block, or WOULD_BLOCK)
  uint64_t stats_blocks{0};  // ... of which blocked until a post or a timeout

 private:
  void destroy_self() override;

  arch::Lock m_lock;
  uint32_t m_count;
  uint32_t m_max;
  Task* m_quota_owner;
  IntrusiveList<Task, &Task::m_wait_node> m_waiters;
};

using SemaphoreLocked = ScopedLock<Semaphore>;

}  // namespace kernel
