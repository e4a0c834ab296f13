// arch/region_memory.h - the memory behind grant regions, and mapping it into tasks.
//
// The kernel's GrantRegion (kernel/grant_region.h) decides who may map what; the arch owns
// the pages and the address spaces. All hooks are called with the kernel lock held.
#pragma once

#include <cstdint>

namespace arch {

struct TaskContext;
struct RegionMemory;  // the arch's pages of one region (hosted: a memfd; x86-64: frames)

// Zero-filled memory of `size` bytes (a multiple of 4096). HB_OK, or HB_ERR_NO_MEMORY.
int32_t region_memory_create(uint64_t size, RegionMemory** out);
// Frees it; no task maps it any more.
void region_memory_destroy(RegionMemory* memory);
// Every existing mapping stops giving access (a later access faults the task that makes
// it), for good. Mappings stay until unmapped; no new ones are made.
void region_memory_revoke(RegionMemory* memory);

// Maps `memory` into the task of `ctx`, read-only unless `writable` (the MMU enforces it).
// HB_OK and the address, or HB_ERR_NO_MEMORY (no address space left). Hosted: called while
// serving that task's own HB_SYS_REGION_MAP; it picks the address and tells the task's
// runtime which memfd to mmap there, which the runtime does when the call returns
// (arch/hosted/region_memory.cc, steps M1-M3).
int32_t region_map(TaskContext* ctx, RegionMemory* memory, uint64_t size, bool writable,
                   uint64_t* address);
// Removes a mapping made by region_map.
void region_unmap(TaskContext* ctx, RegionMemory* memory, uint64_t address, uint64_t size);

}  // namespace arch
