// userland/runtime/calls.cc - every function of harbor/sys.h, as one raw syscall each
// (numbers and argument order: harbor/abi/syscalls.h). Target-independent: the trap itself
// is raw_syscall(). 32-bit arguments are passed zero-extended; pointers as addresses.
#include <harbor/abi/syscalls.h>
#include <harbor/sys.h>

#include <cstdio>
#include <unistd.h>

#include "raw_syscall.h"
#include "region.h"

using harbor::runtime::raw_syscall;

namespace {

uint64_t u32(uint32_t v) { return v; }
uint64_t h(hb_handle_t v) { return static_cast<uint32_t>(v); }
uint64_t p(const void* v) { return reinterpret_cast<uint64_t>(v); }
hb_status_t status(int64_t r) { return r < 0 ? static_cast<hb_status_t>(r) : HB_OK; }

}  // namespace

extern "C" {

hb_status_t hb_port_create(uint32_t mode, uint32_t capacity, uint32_t flags,
                           hb_handle_t* recv_out, hb_handle_t* send_out) {
  return status(raw_syscall(HB_SYS_PORT_CREATE, u32(mode), u32(capacity), u32(flags),
                            p(recv_out), p(send_out)));
}

hb_status_t hb_send(hb_handle_t port, const hb_msg_out* m, uint32_t flags, hb_time_t timeout) {
  return status(raw_syscall(HB_SYS_SEND, h(port), p(m), u32(flags), timeout));
}

hb_status_t hb_send_task(hb_task_id_t task, const hb_msg_out* m, uint32_t flags,
                         hb_time_t timeout) {
  return status(raw_syscall(HB_SYS_SEND_TASK, task, p(m), u32(flags), timeout));
}

hb_status_t hb_recv(hb_handle_t port, hb_msg_in* m, uint32_t flags, hb_time_t timeout) {
  return status(raw_syscall(HB_SYS_RECV, h(port), p(m), u32(flags), timeout));
}

hb_status_t hb_call(hb_handle_t port, const hb_msg_out* req, hb_msg_in* rep, hb_time_t timeout) {
  return status(raw_syscall(HB_SYS_CALL, h(port), p(req), p(rep), timeout));
}

hb_status_t hb_reply(hb_handle_t reply, const hb_msg_out* m) {
  return status(raw_syscall(HB_SYS_REPLY, h(reply), p(m)));
}

hb_status_t hb_reply_recv(hb_handle_t reply, const hb_msg_out* m, hb_handle_t port,
                          hb_msg_in* next, hb_time_t timeout) {
  return status(raw_syscall(HB_SYS_REPLY_RECV, h(reply), p(m), h(port), p(next), timeout));
}

hb_status_t hb_handle_close(hb_handle_t handle) {
  return status(raw_syscall(HB_SYS_HANDLE_CLOSE, h(handle)));
}

hb_status_t hb_handle_dup(hb_handle_t handle, uint32_t rights, hb_handle_t* out) {
  return status(raw_syscall(HB_SYS_HANDLE_DUP, h(handle), u32(rights), p(out)));
}

hb_status_t hb_handle_info(hb_handle_t handle, hb_handle_info_t* out) {
  return status(raw_syscall(HB_SYS_HANDLE_INFO, h(handle), p(out)));
}

hb_status_t hb_badge_mint(hb_handle_t send, uint64_t badge, hb_handle_t* out) {
  return status(raw_syscall(HB_SYS_BADGE_MINT, h(send), badge, p(out)));
}

hb_status_t hb_region_create(uint64_t size, uint32_t flags, hb_handle_t* out) {
  return status(raw_syscall(HB_SYS_REGION_CREATE, size, u32(flags), p(out)));
}

// The kernel's call plus the target's part of mapping (region.h: hosted, the task mmaps).
hb_status_t hb_region_map(hb_handle_t region, uint32_t rights, void** addr_out) {
  return harbor::runtime::region_map(region, rights, addr_out);
}

hb_status_t hb_region_unmap(void* addr) { return harbor::runtime::region_unmap(addr); }

hb_status_t hb_region_revoke(hb_handle_t region) {
  return status(raw_syscall(HB_SYS_REGION_REVOKE, h(region)));
}

hb_status_t hb_sem_create(uint32_t initial, uint32_t max, hb_handle_t* out) {
  return status(raw_syscall(HB_SYS_SEM_CREATE, u32(initial), u32(max), p(out)));
}

hb_status_t hb_sem_wait(hb_handle_t sem, hb_time_t timeout) {
  return status(raw_syscall(HB_SYS_SEM_WAIT, h(sem), timeout));
}

hb_status_t hb_sem_post(hb_handle_t sem, uint32_t count) {
  return status(raw_syscall(HB_SYS_SEM_POST, h(sem), u32(count)));
}

hb_status_t hb_task_spawn(const char* image, const hb_msg_out* start, hb_task_id_t* out) {
  return status(raw_syscall(HB_SYS_TASK_SPAWN, p(image), p(start), p(out)));
}

hb_status_t hb_task_wait(hb_task_id_t child, int32_t* exit_code, hb_time_t timeout) {
  return status(raw_syscall(HB_SYS_TASK_WAIT, child, p(exit_code), timeout));
}

hb_status_t hb_task_kill(hb_task_id_t child) {
  return status(raw_syscall(HB_SYS_TASK_KILL, child));
}

hb_task_id_t hb_task_self(void) {
  int64_t r = raw_syscall(HB_SYS_TASK_SELF);
  return r < 0 ? 0 : static_cast<hb_task_id_t>(r);
}

void hb_task_exit(int32_t code) {
  // The kernel stops the process inside this call: flush what stdio still holds first.
  std::fflush(nullptr);
  raw_syscall(HB_SYS_TASK_EXIT, u32(static_cast<uint32_t>(code)));
  _exit(code & 0xff);  // not reached when the kernel is there
}

hb_status_t hb_yield(void) { return status(raw_syscall(HB_SYS_YIELD)); }

hb_time_t hb_clock_ns(void) {
  int64_t r = raw_syscall(HB_SYS_CLOCK_NS);
  return r < 0 ? 0 : static_cast<hb_time_t>(r);
}

hb_status_t hb_debug_write(const char* text, uint32_t len) {
  return status(raw_syscall(HB_SYS_DEBUG_WRITE, p(text), u32(len)));
}

}  // extern "C"
