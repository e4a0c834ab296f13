// arch/lock.h (x86-64) - the kernel lock: a test-and-set spinlock.
//
// The kernel runs with interrupts off (SFMASK clears IF on `syscall`, every IDT entry is an
// interrupt gate), so on one core the lock is never contended; it checks that it is used
// correctly (never taken twice), and it is the spinlock SMP will need.
#pragma once

#include <arch/panic.h>

namespace arch {

class Lock {
 public:
  void lock() {
    while (__atomic_test_and_set(&m_held, __ATOMIC_ACQUIRE)) __builtin_ia32_pause();
  }
  void unlock() {
    if (!__atomic_load_n(&m_held, __ATOMIC_RELAXED)) panic("arch::Lock released while not held");
    __atomic_clear(&m_held, __ATOMIC_RELEASE);
  }
  bool held() const { return __atomic_load_n(&m_held, __ATOMIC_RELAXED); }

 private:
  bool m_held{false};
};

}  // namespace arch
