// kernel/sys_region.cc - hb_region_create, hb_region_map, hb_region_unmap, hb_region_revoke.
#include <kernel/grant_region.h>
#include <kernel/syscalls.h>
#include <kernel/user_copy.h>

namespace kernel::sys {

int64_t region_create(Kernel& k, Task& t, uint64_t size, uint32_t flags, uint64_t out) {
  if (flags != 0) return HB_ERR_INVALID_ARG;  // no flags are defined yet
  if (t.handles().free_slots() == 0) return HB_ERR_NO_MEMORY;
  Result<GrantRegion*> created = GrantRegion::try_create(k, t, size);
  if (!created.ok()) return to_status(created.error());
  GrantRegion* region = created.value();
  Capability cap = capability_create(*region, GrantRegion::kCreatorRights, 0);
  region->release();  // the capability holds it
  Status installed = install_and_copy_out(t, cap, out);
  if (!installed.ok()) {
    capability_drop(cap);  // frees the region and returns the quota
    return to_status(installed.error());
  }
  return HB_OK;
}

int64_t region_map(Kernel&, Task& t, hb_handle_t handle, uint32_t rights, uint64_t addr_out) {
  Result<Capability*> found = t.handles().lookup(handle, ObjectType::Region, HB_RIGHT_MAP);
  if (!found.ok()) return to_status(found.error());
  const Capability& cap = *found.value();
  // `rights` asks for HB_RIGHT_READ, optionally with HB_RIGHT_WRITE; the handle must hold them.
  if (rights & ~(HB_RIGHT_READ | HB_RIGHT_WRITE) || !(rights & HB_RIGHT_READ))
    return HB_ERR_INVALID_ARG;
  if (!cap.has(rights)) return HB_ERR_ACCESS;  // DOC: read-only-grant
  if (addr_out == 0) return HB_ERR_FAULT;
  GrantRegion& region = *static_cast<GrantRegion*>(cap.object);
  Result<Mapping*> mapped = region.map(t, (rights & HB_RIGHT_WRITE) != 0);
  if (!mapped.ok()) return to_status(mapped.error());
  Status written = copy_out(t, addr_out, mapped.value()->address);
  if (!written.ok()) {
    GrantRegion::unmap(*mapped.value());  // as if it never happened
    return to_status(written.error());
  }
  return HB_OK;
}

namespace {
Mapping* find_mapping(Task& t, uint64_t address) {
  for (Mapping* m = t.m_mappings.front(); m; m = t.m_mappings.next(*m))
    if (m->address == address) return m;
  return nullptr;
}
}  // namespace

int64_t region_unmap(Kernel&, Task& t, uint64_t address) {
  Mapping* mapping = find_mapping(t, address);
  if (!mapping) return HB_ERR_INVALID_ARG;  // DOC: unmap-needs-mapping-start
  GrantRegion::unmap(*mapping);
  return HB_OK;
}

int64_t region_revoke(Kernel&, Task& t, hb_handle_t handle) {
  Result<Capability*> found = t.handles().lookup(handle, ObjectType::Region, HB_RIGHT_MANAGE);
  if (!found.ok()) return to_status(found.error());
  GrantRegion& region = *static_cast<GrantRegion*>(found.value()->object);
  region.revoke();
  ++region.stats_revokes;
  return HB_OK;
}

}  // namespace kernel::sys
