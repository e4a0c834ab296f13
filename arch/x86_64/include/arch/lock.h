// arch/lock.h (x86-64) - a spinlock that keeps interrupts off while it is held.
//
// The kernel runs with interrupts off (SFMASK clears IF on `syscall`, every IDT entry is an
// interrupt gate), so taking a lock never changes IF there; a lock taken where interrupts are
// on (boot code) turns them off until it is released, so an interrupt handler on the same
// core can never spin on a lock its own core holds.
//
// Spinning: `pause`, and between tries the core does the work other cores may be waiting
// for while it spins with interrupts off (a TLB shootdown, arch/x86_64/smp.cc): the holder
// of the kernel lock may be waiting for exactly this core.
//
// Taking a lock this core already holds is a kernel bug (it would spin for ever): panic.
#pragma once

#include <arch/panic.h>

#include <cstdint>

extern "C" void x86_poll_cross_core_work();

namespace arch {

class Lock {
 public:
  // The uncontended case is a dozen instructions, inline; waiting is out of line (lock_slow).
  [[gnu::always_inline]] void lock() {
    uint64_t flags;
    __asm__ volatile("pushfq; pop %0; cli" : "=r"(flags)::"memory");
    uint32_t me = core_plus_one();
    if (__atomic_test_and_set(&m_held, __ATOMIC_ACQUIRE)) [[unlikely]]
      lock_slow(me);
    __atomic_store_n(&m_owner, me, __ATOMIC_RELAXED);
    m_flags = flags;
  }
  [[gnu::always_inline]] void unlock() {
    if (!__atomic_load_n(&m_held, __ATOMIC_RELAXED)) panic("arch::Lock released while not held");
    uint64_t flags = m_flags;
    __atomic_store_n(&m_owner, 0u, __ATOMIC_RELAXED);
    __atomic_clear(&m_held, __ATOMIC_RELEASE);
    if (flags & (1u << 9)) __asm__ volatile("sti" ::: "memory");  // IF was on before lock()
  }
  bool held() const { return __atomic_load_n(&m_held, __ATOMIC_RELAXED); }

 private:
  [[gnu::noinline, gnu::cold]] void lock_slow(uint32_t me) {
    do {
      if (__atomic_load_n(&m_owner, __ATOMIC_RELAXED) == me)
        panic("arch::Lock taken twice on one core");
      __builtin_ia32_pause();
      x86_poll_cross_core_work();
    } while (__atomic_test_and_set(&m_held, __ATOMIC_ACQUIRE));
  }

  // x86::Core::index + 1 (0: nobody), read through GS (arch/x86_64/x86.h, gs:32).
  static uint32_t core_plus_one() {
    uint32_t index;
    __asm__ volatile("mov %%gs:32, %0" : "=r"(index));
    return index + 1;
  }
  bool m_held{false};
  uint32_t m_owner{0};
  uint64_t m_flags{0};
};

}  // namespace arch
