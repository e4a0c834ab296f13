// arch/hosted/machine_objects.cc - Machine::make_region and Machine::make_semaphore: grant
// regions and semaphores owned by the machine, not by a task, so that a scenario can wire
// them into its tasks' start messages the way make_port wires ports (emulator/runner.cc).
//
// Whom they are charged to. A task that creates a region or a semaphore pays for it from its
// quota, and the object keeps that task (its quota owner) alive until the object dies
// (kernel/grant_region.cc, kernel/semaphore.cc). A machine-made object has no creating task,
// and the kernel never allocates without charging someone (SPEC 2). So each one gets a quota
// holder of its own:
//
//   (1) a Task object, id 0 ("the kernel", the sender of start messages), made with the
//       kernel's default quota but never put in the task table and never started: it runs
//       nothing, no syscall can name it, and it appears in no statistics;
//   (2) the region or semaphore is created charged to it, and retains it;
//   (3) the holder's own handle table and inbox are dropped at once and our reference to it
//       released: from then on the object alone keeps it, and when the object dies it gives
//       its charge back and the holder is freed with it (Task::~Task checks that the quota is
//       all returned).
#include <hosted/machine.h>
#include <kernel/capability.h>
#include <kernel/grant_region.h>
#include <kernel/semaphore.h>
#include <kernel/task.h>

namespace hosted {

namespace {

// (1)..(3) around `create(holder)`, which returns the new object or an error. Kernel lock
// held. The returned capability carries `rights`.
template <typename Create>
Machine::ObjectCap make_owned_by_machine(kernel::Kernel& k, uint32_t rights, Create create) {
  Machine::ObjectCap out{HB_OK, {}};
  kernel::Result<kernel::Task*> holder =
      kernel::Task::try_create(k, 0, 0, k.config().quota, 1);  // (1)
  if (!holder.ok()) {
    out.status = kernel::to_status(holder.error());
    return out;
  }
  kernel::Task& task = *holder.value();
  auto made = create(task);  // (2)
  if (made.ok()) {
    out.cap = kernel::capability_create(*made.value(), rights, 0);
    made.value()->release();  // the capability holds it now
  } else {
    out.status = kernel::to_status(made.error());
  }
  task.set_state(kernel::TaskState::Zombie);  // (3)
  task.handles().drop_all();
  task.drop_inbox();
  k.flush_discarded();
  task.release();
  return out;
}

}  // namespace

Machine::ObjectCap Machine::make_region(uint64_t size) {
  ObjectCap out{HB_OK, {}};
  with_kernel([&](kernel::Kernel& k) {
    out = make_owned_by_machine(k, kernel::GrantRegion::kCreatorRights, [&](kernel::Task& t) {
      return kernel::GrantRegion::try_create(k, t, size);
    });
  });
  return out;
}

Machine::ObjectCap Machine::make_semaphore(uint32_t initial, uint32_t max) {
  ObjectCap out{HB_OK, {}};
  // The rights hb_sem_create gives its caller (kernel/sys_semaphore.cc).
  const uint32_t rights = HB_RIGHT_SEND | HB_RIGHT_RECV | HB_RIGHT_DUP | HB_RIGHT_TRANSFER;
  with_kernel([&](kernel::Kernel& k) {
    out = make_owned_by_machine(k, rights, [&](kernel::Task& t) {
      return kernel::Semaphore::try_create(k, t, initial, max);
    });
  });
  return out;
}

}  // namespace hosted
