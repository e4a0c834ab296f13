// kernel/syscalls.h - one function per syscall, grouped in one file per family:
//   sys_port.cc (create), sys_ipc.cc (send, send_task, recv), ipc_call.cc (call, reply,
//   reply_recv), sys_handle.cc (close, dup, info, badge_mint), sys_semaphore.cc,
//   sys_region.cc, sys_task.cc (spawn, wait, self, exit, yield, clock, debug_write).
// Each follows STYLE 7: decode and check every argument, then change state. A user
// address is a uint64_t and is only touched through kernel/user_copy.h.
#pragma once

#include <kernel/kernel.h>

namespace kernel::sys {

int64_t port_create(Kernel& k, Task& t, uint32_t mode, uint32_t capacity, uint32_t flags,
                    uint64_t recv_out, uint64_t send_out);
int64_t send(Kernel& k, Task& t, hb_handle_t port, uint64_t msg, uint32_t flags,
             hb_time_t timeout);
int64_t send_task(Kernel& k, Task& t, hb_task_id_t task, uint64_t msg, uint32_t flags,
                  hb_time_t timeout);
int64_t recv(Kernel& k, Task& t, hb_handle_t port, uint64_t in, uint32_t flags,
             hb_time_t timeout);
int64_t call(Kernel& k, Task& t, hb_handle_t port, uint64_t req, uint64_t rep, hb_time_t timeout);
int64_t reply(Kernel& k, Task& t, hb_handle_t reply, uint64_t msg);
int64_t reply_recv(Kernel& k, Task& t, hb_handle_t reply, uint64_t msg, hb_handle_t port,
                   uint64_t next, hb_time_t timeout);
int64_t handle_close(Kernel& k, Task& t, hb_handle_t handle);
int64_t handle_dup(Kernel& k, Task& t, hb_handle_t handle, uint32_t rights, uint64_t out);
int64_t handle_info(Kernel& k, Task& t, hb_handle_t handle, uint64_t out);
int64_t badge_mint(Kernel& k, Task& t, hb_handle_t send, uint64_t badge, uint64_t out);
int64_t sem_create(Kernel& k, Task& t, uint32_t initial, uint32_t max, uint64_t out);
int64_t sem_wait(Kernel& k, Task& t, hb_handle_t sem, hb_time_t timeout);
int64_t sem_post(Kernel& k, Task& t, hb_handle_t sem, uint32_t count);
int64_t region_create(Kernel& k, Task& t, uint64_t size, uint32_t flags, uint64_t out);
int64_t region_map(Kernel& k, Task& t, hb_handle_t region, uint32_t rights, uint64_t addr_out);
int64_t region_unmap(Kernel& k, Task& t, uint64_t addr);
int64_t region_revoke(Kernel& k, Task& t, hb_handle_t region);
int64_t task_spawn(Kernel& k, Task& t, uint64_t image, uint64_t start, uint64_t out);
int64_t task_wait(Kernel& k, Task& t, hb_task_id_t child, uint64_t exit_code, hb_time_t timeout);
int64_t task_kill(Kernel& k, Task& t, hb_task_id_t child);
int64_t task_exit(Kernel& k, Task& t, int32_t code);
int64_t debug_write(Kernel& k, Task& t, uint64_t text, uint32_t len);

// Installs `cap` in t's table and writes the new handle to user address `out` first:
// Fault or NoMemory leave everything as it was (and `cap` untouched).
Status install_and_copy_out(Task& t, Capability& cap, uint64_t out);

}  // namespace kernel::sys
