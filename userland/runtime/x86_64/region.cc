// userland/runtime/x86_64/region.cc - grant regions on bare metal (runtime/region.h): the
// kernel maps the frames into this task's page tables, so each call is one system call.
#include <harbor/abi/syscalls.h>

#include "../raw_syscall.h"
#include "../region.h"

namespace harbor::runtime {

namespace {
hb_status_t status(int64_t r) { return r < 0 ? static_cast<hb_status_t>(r) : HB_OK; }
}  // namespace

hb_status_t region_map(hb_handle_t region, uint32_t rights, void** addr_out) {
  return status(raw_syscall(HB_SYS_REGION_MAP, static_cast<uint32_t>(region), rights,
                            reinterpret_cast<uint64_t>(addr_out)));
}

hb_status_t region_unmap(void* addr) {
  return status(raw_syscall(HB_SYS_REGION_UNMAP, reinterpret_cast<uint64_t>(addr)));
}

}  // namespace harbor::runtime
