// arch/lock.h (hosted) - the kernel lock is a host mutex: the emulator serves each task's
// syscalls on a host thread, and those threads take turns inside the kernel.
#pragma once

#include <pthread.h>

namespace arch {

class Lock {
 public:
  Lock() = default;
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;
  ~Lock() { pthread_mutex_destroy(&m_mutex); }
  void lock() { pthread_mutex_lock(&m_mutex); }
  void unlock() {
    pthread_mutex_unlock(&m_mutex);
    if (m_after_unlock) m_after_unlock();
  }

  // Hosted machine only (the kernel never calls it): `fn` runs in the releasing thread right
  // after every unlock, also the one inside a condition-variable wait. The machine sets it
  // on the kernel lock to wake tasks only once the lock is free (arch/hosted/serve.cc).
  void set_after_unlock(void (*fn)()) { m_after_unlock = fn; }

 private:
  // Adaptive: a thread that finds it taken spins a little first. Serving threads of tasks on
  // different CPUs meet here, and sleeping on the lock would cost a cross-CPU wake-up.
  pthread_mutex_t m_mutex = PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP;
  void (*m_after_unlock)() = nullptr;
};

}  // namespace arch
