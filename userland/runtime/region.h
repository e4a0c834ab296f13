// userland/runtime/region.h - the target's half of hb_region_map and hb_region_unmap.
//
// The kernel decides whether a task may map a region and where (HB_SYS_REGION_MAP); making
// the memory appear at that address is the target's business:
//   - bare metal (x86_64/region.cc): the kernel writes the task's page tables itself, so
//     these are the plain system calls;
//   - hosted (hosted/region.cc): the emulator cannot map into another process, so the
//     task's runtime mmaps the region's memfd itself (hosted/channel.h, steps R1-R2).
// calls.cc implements the two sys.h functions with these.
#pragma once

#include <harbor/sys.h>

namespace harbor::runtime {

hb_status_t region_map(hb_handle_t region, uint32_t rights, void** addr_out);
hb_status_t region_unmap(void* addr);

}  // namespace harbor::runtime
