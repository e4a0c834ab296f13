// kernel/semaphore.cc - counting semaphores (see semaphore.h).
#include <kernel/kernel.h>
#include <kernel/lib/kmem.h>
#include <kernel/semaphore.h>

namespace kernel {

Semaphore::Semaphore(Kernel& kernel, Task& creator, uint32_t initial, uint32_t max)
    : KernelObject(kernel, ObjectType::Semaphore), m_count(initial), m_max(max), m_quota_owner(&creator) {
  creator.retain();
}

Semaphore::~Semaphore() { KASSERT(m_waiters.empty(), "semaphore freed with waiters"); }

Result<Semaphore*> Semaphore::try_create(Kernel& kernel, Task& creator, uint32_t initial,
                                         uint32_t max) {
  if (max == 0 || initial > max) return Error::InvalidArg;
  TRY(creator.quota().charge_semaphore());
  Semaphore* sem = make<Semaphore>(kernel, creator, initial, max);
  if (!sem) {
    creator.quota().release_semaphore();
    return Error::NoMemory;
  }
  return sem;
}

void Semaphore::destroy_self() {
  Task* owner = m_quota_owner;
  destroy(this);
  owner->quota().release_semaphore();
  owner->release();
}

bool Semaphore::try_take() {
  if (m_count == 0) return false;
  --m_count;
  return true;
}

Status Semaphore::post(uint32_t n) {
  if (n == 0) return Error::InvalidArg;
  // Units that go straight to waiters never raise the count; only the rest must fit.
  uint32_t to_waiters = n < m_waiters.size() ? n : static_cast<uint32_t>(m_waiters.size());
  uint32_t rest = n - to_waiters;
  if (rest > m_max - m_count) return Error::InvalidArg;  // DOC: sem-post-beyond-max
  for (uint32_t i = 0; i < to_waiters; ++i) {
    Task* waiter = m_waiters.pop_front();
    kernel().wake(*waiter, HB_OK);
  }
  m_count += rest;
  return {};
}

}  // namespace kernel
