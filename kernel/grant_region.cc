// kernel/grant_region.cc - grant regions (see grant_region.h).
#include <arch/region_memory.h>
#include <kernel/grant_region.h>
#include <kernel/kernel.h>
#include <kernel/lib/kmem.h>

namespace kernel {

GrantRegion::GrantRegion(Kernel& kernel, Task& creator, uint64_t size, arch::RegionMemory* memory)
    : KernelObject(kernel, ObjectType::Region), m_size(size), m_memory(memory), m_quota_owner(&creator) {
  creator.retain();
}

GrantRegion::~GrantRegion() { KASSERT(m_mappings.empty(), "region freed while mapped"); }

Result<GrantRegion*> GrantRegion::try_create(Kernel& kernel, Task& creator, uint64_t size) {
  if (size == 0 || size > kMaxSize) return Error::InvalidArg;
  size = (size + 4095) & ~uint64_t{4095};
  TRY(creator.quota().charge_region());
  arch::RegionMemory* memory = nullptr;
  if (arch::region_memory_create(size, &memory) != HB_OK) {
    creator.quota().release_region();
    return Error::NoMemory;
  }
  GrantRegion* region = make<GrantRegion>(kernel, creator, size, memory);
  if (!region) {
    arch::region_memory_destroy(memory);
    creator.quota().release_region();
    return Error::NoMemory;
  }
  return region;
}

void GrantRegion::destroy_self() {
  Task* owner = m_quota_owner;
  arch::RegionMemory* memory = m_memory;
  destroy(this);
  arch::region_memory_destroy(memory);
  owner->quota().release_region();
  owner->release();
}

Result<Mapping*> GrantRegion::map(Task& task, bool writable) {
  if (m_revoked) return Error::PeerClosed;  // DOC: no-map-after-revoke
  TRY(task.quota().charge_mapping());
  Mapping* mapping = make<Mapping>();
  uint64_t address = 0;
  if (!mapping || arch::region_map(task.context(), m_memory, m_size, writable, &address) != HB_OK) {
    destroy(mapping);
    task.quota().release_mapping();
    return Error::NoMemory;
  }
  mapping->task = &task;
  mapping->region = this;
  mapping->address = address;
  mapping->writable = writable;
  retain();  // a mapping keeps the memory alive after the last handle closes
  ++stats_maps;
  m_mappings.push_back(*mapping);
  task.m_mappings.push_back(*mapping);
  return mapping;
}

void GrantRegion::unmap(Mapping& mapping) {
  GrantRegion* region = mapping.region;
  Task* task = mapping.task;
  if (task->context())
    arch::region_unmap(task->context(), region->m_memory, mapping.address, region->m_size);
  region->m_mappings.remove(mapping);
  ++region->stats_unmaps;
  task->m_mappings.remove(mapping);
  task->quota().release_mapping();
  destroy(&mapping);
  region->release();
}

void GrantRegion::revoke() {
  if (m_revoked) return;
  m_revoked = true;
  arch::region_memory_revoke(m_memory);  // DOC: revoke-ends-all-access
}

}  // namespace kernel
