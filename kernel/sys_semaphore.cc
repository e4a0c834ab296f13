// kernel/sys_semaphore.cc - hb_sem_create, hb_sem_wait, hb_sem_post.
#include <kernel/semaphore.h>
#include <kernel/syscalls.h>

namespace kernel::sys {

int64_t sem_create(Kernel& k, Task& t, uint32_t initial, uint32_t max, uint64_t out) {
  if (t.handles().free_slots() == 0) return HB_ERR_NO_MEMORY;
  Result<Semaphore*> created = Semaphore::try_create(k, t, initial, max);
  if (!created.ok()) return to_status(created.error());
  Semaphore* sem = created.value();
  Capability cap = capability_create(*sem, HB_RIGHT_SEND | HB_RIGHT_RECV | HB_RIGHT_DUP |
                                               HB_RIGHT_TRANSFER, 0);
  sem->release();  // the capability holds it
  Status installed = install_and_copy_out(t, cap, out);
  if (!installed.ok()) {
    capability_drop(cap);  // frees the semaphore and returns the quota
    return to_status(installed.error());
  }
  return HB_OK;
}

int64_t sem_wait(Kernel& k, Task& t, hb_handle_t handle, hb_time_t timeout) {
  Result<Capability*> cap = t.handles().lookup(handle, ObjectType::Semaphore, HB_RIGHT_RECV);
  if (!cap.ok()) return to_status(cap.error());
  Semaphore& sem = *static_cast<Semaphore*>(cap.value()->object);
  SemaphoreLocked locked(sem);
  ++sem.stats_waits;
  if (sem.try_take()) return HB_OK;
  if (timeout == HB_NOWAIT) return HB_ERR_WOULD_BLOCK;
  ++sem.stats_blocks;
  t.wait().kind = WaitKind::Semaphore;
  t.wait().semaphore = &sem;
  sem.add_waiter(t);
  k.block(t, timeout);
  return kBlocked;
}

int64_t sem_post(Kernel&, Task& t, hb_handle_t handle, uint32_t count) {
  Result<Capability*> cap = t.handles().lookup(handle, ObjectType::Semaphore, HB_RIGHT_SEND);
  if (!cap.ok()) return to_status(cap.error());
  Semaphore& sem = *static_cast<Semaphore*>(cap.value()->object);
  SemaphoreLocked locked(sem);
  Status posted = sem.post(count);
  if (!posted.ok()) return to_status(posted.error());
  ++sem.stats_posts;
  return HB_OK;
}

}  // namespace kernel::sys
