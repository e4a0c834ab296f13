// kernel/lib/scoped_lock.h - holds an object's own lock for a scope (a port's, a
// semaphore's: the core side of the kernel lock takes them, kernel/kernel_lock.h).
#pragma once

namespace kernel {

template <typename T>
class ScopedLock {
 public:
  explicit ScopedLock(T& object) : m_object(object) { m_object.lock(); }
  ~ScopedLock() { m_object.unlock(); }
  ScopedLock(const ScopedLock&) = delete;
  ScopedLock& operator=(const ScopedLock&) = delete;

 private:
  T& m_object;
};

}  // namespace kernel
