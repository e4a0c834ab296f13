// kernel/sys_region.cc - grant regions (shared memory).
//
// Not built yet: grant regions need each arch to map memory into a task (hosted: a memfd
// mapped by the task's runtime; x86-64: page tables), which is its own piece of work
// (issue #5). Until then every region call answers HB_ERR_INVALID_ARG after checking what
// it can, so a program that tries them gets a clear error, never a crash.
#include <kernel/syscalls.h>

namespace kernel::sys {

int64_t region_create(Kernel&, Task&, uint64_t, uint32_t, uint64_t) { return HB_ERR_INVALID_ARG; }

int64_t region_map(Kernel&, Task& t, hb_handle_t region, uint32_t, uint64_t) {
  Result<Capability*> cap = t.handles().lookup(region, ObjectType::Region, HB_RIGHT_MAP);
  return cap.ok() ? HB_ERR_INVALID_ARG : to_status(cap.error());
}

int64_t region_unmap(Kernel&, Task&, uint64_t) { return HB_ERR_INVALID_ARG; }

int64_t region_revoke(Kernel&, Task& t, hb_handle_t region) {
  Result<Capability*> cap = t.handles().lookup(region, ObjectType::Region, HB_RIGHT_MANAGE);
  return cap.ok() ? HB_ERR_INVALID_ARG : to_status(cap.error());
}

}  // namespace kernel::sys
