// arch/lock.h (test arch) - the unit tests run the kernel on one thread, so the lock only
// checks that it is used correctly: never taken twice, never released when not held.
#pragma once

#include <arch/panic.h>

namespace arch {

class Lock {
 public:
  void lock() {
    if (m_held) panic("arch::Lock taken twice");
    m_held = true;
  }
  void unlock() {
    if (!m_held) panic("arch::Lock released while not held");
    m_held = false;
  }
  bool held() const { return m_held; }

 private:
  bool m_held{false};
};

}  // namespace arch
