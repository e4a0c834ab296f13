// arch/hosted/monitor.cc - noticing that a task process ended (exit, crash, kill -9).
//
// One thread waits on the pidfds of all task processes (an epoll set). When one becomes
// readable the process is a zombie:
//   (1) read its status without reaping it (WNOWAIT): its pid stays reserved, so no copy to
//       or from "its" memory can ever reach a new process that reused the number;
//   (2) under the kernel lock, mark it exited (copies fault from now on) and, unless the
//       kernel already forgot the task (hb_task_exit), report kernel.task_died(task, code):
//       code = exit status, or minus the signal number;
//   (3) without the lock: reap it, join its serving thread, free the context; wake
//       Machine::wait.
#include <signal.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "machine_core.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

namespace hosted::detail {

void MachineCore::monitor_loop() {
  epoll_event events[16];
  while (!m_monitor_stop.load(std::memory_order_acquire)) {
    int n = epoll_wait(m_epoll, events, 16, -1);
    for (int i = 0; i < n; ++i) {
      if (events[i].data.ptr == nullptr) {  // the stop event
        uint64_t value;
        (void)!read(m_monitor_event, &value, sizeof value);
        continue;
      }
      auto* ctx = static_cast<arch::TaskContext*>(events[i].data.ptr);
      // (1)
      siginfo_t info{};
      if (waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(ctx->pidfd), &info,
                 WEXITED | WNOWAIT) != 0)
        continue;
      int32_t code = info.si_code == CLD_EXITED ? info.si_status : -info.si_status;
      epoll_ctl(m_epoll, EPOLL_CTL_DEL, ctx->pidfd, nullptr);
      // (2)
      {
        Locked locked(*this);
        ctx->exited = true;
        if (!ctx->forgotten) {
          m_kernel->task_died(*ctx->task, code);
          if (!ctx->forgotten) {  // the kernel did not call task_stop: forget it anyway
            m_exits[ctx->id].code = code;
            stop_task(ctx);
          }
        }
        ctx->stopping.store(true, std::memory_order_release);
        channel_state(ctx->channel).store(kDead, std::memory_order_release);
        futex_wake_all(&ctx->channel->state);
        schedule_locked();
      }
      // (3)
      clean_up(ctx);
    }
  }
}

void MachineCore::clean_up(arch::TaskContext* ctx) {
  siginfo_t info{};
  waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(ctx->pidfd), &info, WEXITED);
  release_context(ctx);
}

// The last step of every task's end (a reaped process here, the attach_self task in
// machine.cc): its serving thread and queued answers finish, the machine forgets it, and
// its channel, descriptors and context go. Without the lock.
void MachineCore::release_context(arch::TaskContext* ctx) {
  if (ctx->server.joinable()) ctx->server.join();
  wait_for_answers(ctx);  // an answer queued before the death may still be written
  {
    Locked locked(*this);
    m_live.erase(ctx->id);
    update_spin_locked();
    auto exit = m_exits.find(ctx->id);
    if (exit != m_exits.end()) exit->second.done = true;
    m_changed.notify_all();
  }
  munmap(ctx->channel, kChannelSize);
  close(ctx->memfd);
  if (ctx->pidfd >= 0) close(ctx->pidfd);  // -1 for the attach_self task
  delete ctx;
}

}  // namespace hosted::detail
