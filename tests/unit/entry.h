// tests/unit/entry.h - a syscall entered the way an arch does it (kernel/kernel.h step 2):
// the core side of the kernel lock first, the whole kernel when the core side gives up.
//
// The unit tests hold the whole kernel lock between syscalls (Harness::SetUp), so this lets
// go of it, tries the core side, and takes it again. Every test that goes through it also
// checks that a core-side attempt that gave up changed nothing: the retry would otherwise
// see a different kernel and the test's expectations would fail.
#pragma once

#include <arch/cpu.h>
#include <kernel/kernel.h>

namespace harbor::test {

// Only the core side: the caller holds the whole kernel lock before and after. Its result
// may be kernel::kNeedsWholeKernel (nothing changed).
inline int64_t try_core_side(kernel::Kernel& k, kernel::Task& task, uint32_t number,
                             const uint64_t args[6]) {
  kernel::KernelLock& lock = k.lock();
  const uint32_t core = arch::current_core();
  lock.unlock();
  lock.lock_core(core);
  int64_t result = k.syscall_core_side(task, number, args);
  lock.unlock_core(core);
  lock.lock();
  return result;
}

inline int64_t enter_syscall(kernel::Kernel& k, kernel::Task& task, uint32_t number,
                             const uint64_t args[6]) {
  int64_t result = try_core_side(k, task, number, args);
  if (result == kernel::kNeedsWholeKernel) result = k.syscall(task, number, args);
  return result;
}

}  // namespace harbor::test
