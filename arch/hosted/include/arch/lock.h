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
  void unlock() { pthread_mutex_unlock(&m_mutex); }

 private:
  pthread_mutex_t m_mutex = PTHREAD_MUTEX_INITIALIZER;
};

}  // namespace arch
