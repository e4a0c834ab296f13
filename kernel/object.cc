// kernel/object.cc - reference counting shared by every kernel object.
#include <kernel/capability.h>
#include <kernel/kernel.h>
#include <kernel/object.h>

namespace kernel {

KernelObject::KernelObject(Kernel& kernel, ObjectType type)
    : m_kernel(kernel), m_type(type), m_koid(kernel.next_koid()) {
  ++kernel.stats().objects_alive;
}

void KernelObject::release() {
  uint32_t before = __atomic_fetch_sub(&m_refs, 1, __ATOMIC_ACQ_REL);
  KASSERT(before > 0, "object released more often than retained");
  if (before > 1) return;
  --m_kernel.stats().objects_alive;
  destroy_self();
}

Capability capability_create(KernelObject& object, uint32_t rights, uint64_t badge) {
  object.retain();
  Capability cap{&object, rights, badge};
  object.on_capability_added(rights);
  return cap;
}

void capability_drop(Capability& cap) {
  KASSERT(!cap.empty(), "dropping an empty capability");
  KernelObject* object = cap.object;
  uint32_t rights = cap.rights;
  cap = Capability{};
  object->on_capability_removed(rights);
  object->release();
}

}  // namespace kernel
