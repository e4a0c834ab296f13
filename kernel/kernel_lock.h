// kernel/kernel_lock.h - the kernel lock: one lock per core, taken alone or all together.
//
// DOC: kernel-lock
// Two ways into the kernel (docs/design.md §3c):
//   core side    the common IPC path - hb_send, hb_send_task, hb_recv, hb_call, hb_reply,
//                hb_reply_recv of messages that carry no handles, hb_sem_wait, hb_sem_post -
//                takes only the lock of the core it runs on, then the lock of the one port
//                or semaphore it uses (Port::lock(), Semaphore::lock()). Two cores sending
//                on two ports never meet; two cores on one port meet only at that port. No
//                lock is shared by every core.
//   whole kernel everything else (creating, closing and moving capabilities, task start
//                and death, timeouts firing, regions) takes every core's lock,
//                in core order. That excludes every core-side entry, so the code of those
//                operations is the simple single-lock code it always was.
// A core-side syscall that meets something it may not do there (a message with handles,
// for instance) gives up before it changes anything (kNeedsWholeKernel) and the arch runs
// it again with the whole kernel locked. Linux once called this shape an lglock
// ("local/global lock"): cheap for the common local case, expensive for the rare global one.
#pragma once

#include <arch/cpu.h>
#include <arch/lock.h>

#include <cstdint>

namespace kernel {

class KernelLock {
 public:
  KernelLock() = default;
  KernelLock(const KernelLock&) = delete;
  KernelLock& operator=(const KernelLock&) = delete;

  // How many cores take turns here (the arch says so before the first entry); the whole-
  // kernel side takes this many locks.
  void set_cores(uint32_t cores) {
    m_cores = cores == 0 ? 1 : (cores > arch::kMaxCores ? arch::kMaxCores : cores);
  }
  uint32_t cores() const { return m_cores; }

  // The core side: only `core`'s lock (a core beyond cores() shares the lock of
  // core % cores(), so the whole-kernel side still excludes it).
  void lock_core(uint32_t core) { core_lock(core).lock(); }
  void unlock_core(uint32_t core) { core_lock(core).unlock(); }

  // The whole kernel: every core's lock, in order (so two takers never deadlock), released
  // in reverse. lock()/unlock() so that arch code can use it like any lock.
  void lock() {
    for (uint32_t i = 0; i < m_cores; ++i) m_locks[i].lock.lock();
  }
  void unlock() {
    for (uint32_t i = m_cores; i-- > 0;) m_locks[i].lock.unlock();
  }

  // For the arch (hosted: its after-unlock hook goes on every core's lock).
  arch::Lock& core_lock(uint32_t core) { return m_locks[core % m_cores].lock; }

 private:
  // Each core's lock on a cache line of its own: taking it must not disturb another core.
  struct alignas(64) PerCore {
    arch::Lock lock;
  };
  PerCore m_locks[arch::kMaxCores];
  uint32_t m_cores{arch::kMaxCores};
};

}  // namespace kernel
