// kernel/grant_region.h - a grant region: memory two or more tasks share.
//
//   Task A --cap(READ|WRITE|MAP|MANAGE|DUP|TRANSFER)--+
//   Task B --cap(READ|MAP)  (a read-only grant) ------+--> GrantRegion --> arch::RegionMemory
//                                                          |  m_mappings:
//   Task A's m_mappings --> Mapping{A, 0x6000_0000, rw} <--+
//   Task B's m_mappings --> Mapping{B, 0x6000_0000, ro} <--'
//
// Message passing copies; a region is set up once through the kernel and then read and
// written with plain loads and stores, at memory speed. The kernel's part is only who may
// map it, and how:
//   - hb_region_create makes it (the size is charged to the creator's region quota);
//   - a handle to it travels in a message like any other, with rights reduced to make a
//     read-only grant (no HB_RIGHT_WRITE);
//   - hb_region_map needs HB_RIGHT_MAP and HB_RIGHT_READ, and HB_RIGHT_WRITE for a writable
//     mapping; the arch's MMU enforces read-only (hosted: a write kills the writer, never
//     the granter or the kernel);
//   - hb_region_revoke (HB_RIGHT_MANAGE) ends all access for everyone, for good: every
//     mapping stops working (an access faults the task that makes it), no new mapping is
//     allowed (HB_ERR_PEER_CLOSED); tasks still unmap their dead mappings as usual.
// The memory is freed when no capability and no mapping is left.
#pragma once

#include <kernel/lib/list.h>
#include <kernel/mapping.h>
#include <kernel/object.h>
#include <kernel/task.h>

namespace arch {
struct RegionMemory;
}

namespace kernel {

class GrantRegion final : public KernelObject {
 public:
  static constexpr uint64_t kMaxSize = 256ull << 20;  // 256 MiB
  static constexpr uint32_t kCreatorRights = HB_RIGHT_READ | HB_RIGHT_WRITE | HB_RIGHT_MAP |
                                             HB_RIGHT_MANAGE | HB_RIGHT_DUP | HB_RIGHT_TRANSFER;

  // InvalidArg for a size of 0 or above kMaxSize; NoMemory for the quota or the memory.
  // The size is rounded up to whole 4 KiB pages.
  static Result<GrantRegion*> try_create(Kernel& kernel, Task& creator, uint64_t size);
  // Use try_create(); public only for kernel::make / kernel::destroy.
  GrantRegion(Kernel& kernel, Task& creator, uint64_t size, arch::RegionMemory* memory);
  ~GrantRegion();

  uint64_t size() const { return m_size; }
  bool revoked() const { return m_revoked; }
  uint32_t mapping_count() const { return static_cast<uint32_t>(m_mappings.size()); }

  // Maps the region into `task`. PeerClosed after revoke; NoMemory (mapping quota, memory,
  // or no address space left).
  Result<Mapping*> map(Task& task, bool writable);
  // Removes one mapping (and frees it).
  static void unmap(Mapping& mapping);
  void revoke();

  // Statistics (harbor-emu --stats), under the kernel lock the region's calls take.
  uint64_t stats_maps{0};     // mappings made (map)
  uint64_t stats_unmaps{0};   // mappings removed: hb_region_unmap, or the task's exit
  uint64_t stats_revokes{0};  // hb_region_revoke calls that succeeded (kernel/sys_region.cc)

 private:
  void destroy_self() override;

  uint64_t m_size;
  arch::RegionMemory* m_memory;
  Task* m_quota_owner;
  bool m_revoked{false};
  IntrusiveList<Mapping, &Mapping::m_region_node> m_mappings;
};

}  // namespace kernel
