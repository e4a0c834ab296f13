// kernel/syscall_dispatch.cc - from a syscall number and six registers to a sys:: function.
#include <arch/clock.h>
#include <kernel/syscalls.h>

namespace kernel {

namespace {
// Registers are 64 bits; 32-bit arguments must fit, or the call is malformed.
bool fits32(uint64_t value) { return value <= UINT32_MAX; }
// A handle travels as a 32-bit value; anything wider is no handle this task was given.
hb_handle_t handle_arg(uint64_t value) {
  return value <= UINT32_MAX ? static_cast<hb_handle_t>(static_cast<uint32_t>(value)) : -1;
}
}  // namespace

int64_t Kernel::dispatch(Task& t, uint32_t number, const uint64_t a[6]) {
  switch (number) {
    case HB_SYS_PORT_CREATE:
      if (!fits32(a[0]) || !fits32(a[1]) || !fits32(a[2])) return HB_ERR_INVALID_ARG;
      return sys::port_create(*this, t, uint32_t(a[0]), uint32_t(a[1]), uint32_t(a[2]), a[3], a[4]);
    case HB_SYS_SEND:
      if (!fits32(a[2])) return HB_ERR_INVALID_ARG;
      return sys::send(*this, t, handle_arg(a[0]), a[1], uint32_t(a[2]), a[3]);
    case HB_SYS_SEND_TASK:
      if (!fits32(a[2])) return HB_ERR_INVALID_ARG;
      return sys::send_task(*this, t, a[0], a[1], uint32_t(a[2]), a[3]);
    case HB_SYS_RECV:
      if (!fits32(a[2])) return HB_ERR_INVALID_ARG;
      return sys::recv(*this, t, handle_arg(a[0]), a[1], uint32_t(a[2]), a[3]);
    case HB_SYS_CALL:
      return sys::call(*this, t, handle_arg(a[0]), a[1], a[2], a[3]);
    case HB_SYS_REPLY:
      return sys::reply(*this, t, handle_arg(a[0]), a[1]);
    case HB_SYS_REPLY_RECV:
      return sys::reply_recv(*this, t, handle_arg(a[0]), a[1], handle_arg(a[2]), a[3], a[4]);
    case HB_SYS_HANDLE_CLOSE:
      return sys::handle_close(*this, t, handle_arg(a[0]));
    case HB_SYS_HANDLE_DUP:
      if (!fits32(a[1])) return HB_ERR_INVALID_ARG;
      return sys::handle_dup(*this, t, handle_arg(a[0]), uint32_t(a[1]), a[2]);
    case HB_SYS_HANDLE_INFO:
      return sys::handle_info(*this, t, handle_arg(a[0]), a[1]);
    case HB_SYS_BADGE_MINT:
      return sys::badge_mint(*this, t, handle_arg(a[0]), a[1], a[2]);
    case HB_SYS_REGION_CREATE:
      if (!fits32(a[1])) return HB_ERR_INVALID_ARG;
      return sys::region_create(*this, t, a[0], uint32_t(a[1]), a[2]);
    case HB_SYS_REGION_MAP:
      if (!fits32(a[1])) return HB_ERR_INVALID_ARG;
      return sys::region_map(*this, t, handle_arg(a[0]), uint32_t(a[1]), a[2]);
    case HB_SYS_REGION_UNMAP:
      return sys::region_unmap(*this, t, a[0]);
    case HB_SYS_REGION_REVOKE:
      return sys::region_revoke(*this, t, handle_arg(a[0]));
    case HB_SYS_SEM_CREATE:
      if (!fits32(a[0]) || !fits32(a[1])) return HB_ERR_INVALID_ARG;
      return sys::sem_create(*this, t, uint32_t(a[0]), uint32_t(a[1]), a[2]);
    case HB_SYS_SEM_WAIT:
      return sys::sem_wait(*this, t, handle_arg(a[0]), a[1]);
    case HB_SYS_SEM_POST:
      if (!fits32(a[1])) return HB_ERR_INVALID_ARG;
      return sys::sem_post(*this, t, handle_arg(a[0]), uint32_t(a[1]));
    case HB_SYS_TASK_SPAWN:
      return sys::task_spawn(*this, t, a[0], a[1], a[2]);
    case HB_SYS_TASK_WAIT:
      return sys::task_wait(*this, t, a[0], a[1], a[2]);
    case HB_SYS_TASK_KILL:
      return sys::task_kill(*this, t, a[0]);
    case HB_SYS_TASK_SELF:
      return static_cast<int64_t>(t.id());
    case HB_SYS_TASK_EXIT:
      return sys::task_exit(*this, t, static_cast<int32_t>(a[0]));
    case HB_SYS_YIELD:
      return HB_OK;  // the arch reschedules at every syscall boundary anyway
    case HB_SYS_CLOCK_NS:
      return static_cast<int64_t>(arch::clock_ns() & INT64_MAX);
    case HB_SYS_DEBUG_WRITE:
      if (!fits32(a[1])) return HB_ERR_TOO_BIG;
      return sys::debug_write(*this, t, a[0], uint32_t(a[1]));
    default:
      return HB_ERR_INVALID_ARG;  // no such syscall
  }
}

}  // namespace kernel
