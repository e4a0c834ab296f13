// arch/hosted/serve.cc - one serving thread per task: it waits for the task's syscalls on
// the channel and runs them in the kernel (steps (3) and (5) of hosted/channel.h).
//
// Answers are written after the kernel lock is released. respond_locked runs under the
// lock (inside kernel.syscall via arch::task_resume, in the timer thread, in the monitor):
// it only queues (task, result) on the calling thread. The kernel lock's after-unlock hook
// (arch::Lock::set_after_unlock, installed by MachineCore) then writes each result, sets
// Response and wakes the task if it sleeps. A task woken while its waker still held the
// lock would trap at once and its serving thread would sleep on that lock: measured as
// ~10 % of a round trip's CPU before this (docs/performance.md §5).
#include <pthread.h>
#include <sched.h>

#include <vector>

#include "machine_core.h"

namespace hosted::detail {

namespace {

struct PendingAnswer {
  arch::TaskContext* ctx;
  int64_t result;
};
thread_local std::vector<PendingAnswer> t_answers;

}  // namespace

void MachineCore::respond_locked(arch::TaskContext* ctx, int64_t result) {
  ctx->pending_answers.fetch_add(1, std::memory_order_relaxed);
  t_answers.push_back({ctx, result});
}

// (5) Without the lock. awaiting_response is cleared *before* the state changes: once the
// task sees Response it may post its next Request at once, and the serving thread must not
// then find the previous request still marked as unanswered. A Dead channel stays Dead
// (the task was forgotten after the answer was queued). The context stays allocated until
// pending_answers is back to 0 (wait_for_answers).
void MachineCore::flush_answers() {
  if (t_answers.empty()) return;
  for (const PendingAnswer& answer : t_answers) {
    arch::TaskContext* ctx = answer.ctx;
    Channel* channel = ctx->channel;
    std::atomic_ref<int64_t>(channel->result).store(answer.result, std::memory_order_relaxed);
    ctx->awaiting_response.store(false, std::memory_order_release);
    channel_post(&channel->state, kResponse, kServerSleeps, kTaskSleeps, kTaskBit);
    ctx->pending_answers.fetch_sub(1, std::memory_order_release);
  }
  t_answers.clear();
}

void MachineCore::wait_for_answers(arch::TaskContext* ctx) {
  while (ctx->pending_answers.load(std::memory_order_acquire) != 0) sched_yield();
}

void MachineCore::serve_loop(arch::TaskContext* ctx) {
  if (ctx->host_cpu >= 0) {  // placement: on its task's CPU (the task runs, or this thread)
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(ctx->host_cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
  }
  Channel* channel = ctx->channel;
  auto state = channel_state(channel);
  for (;;) {
    if (ctx->stopping.load(std::memory_order_acquire)) return;
    uint32_t seen = state.load(std::memory_order_acquire);
    // Dead from the page itself proves nothing (the task can write it): only `stopping`,
    // which the machine alone sets, ends this thread.
    // (3) A new request, and we are not still answering the previous one (a task that
    // posts a request while blocked is ignored until its blocked call completes).
    // Otherwise sleep: the task runs on this thread's CPU (placement), so spinning for its
    // next request would only keep it from making one.
    if (state_of(seen) != kRequest || ctx->awaiting_response.load(std::memory_order_acquire)) {
      if (!(seen & kServerSleeps) &&
          !state.compare_exchange_strong(seen, seen | kServerSleeps, std::memory_order_acq_rel))
        continue;
      futex_wait_bits(&channel->state, seen | kServerSleeps, kServerBit);
      continue;
    }
    if (!state.compare_exchange_strong(seen, kServing | (seen & kTaskSleeps),
                                       std::memory_order_acq_rel))
      continue;

    // Copy the request once: the task may scribble on the page while we work.
    uint32_t number = std::atomic_ref<uint32_t>(channel->number).load(std::memory_order_relaxed);
    uint64_t args[6];
    for (int i = 0; i < 6; ++i)
      args[i] = std::atomic_ref<uint64_t>(channel->args[i]).load(std::memory_order_relaxed);
    ctx->awaiting_response.store(true, std::memory_order_release);

    bool blocked = false;
    // The core side first (kernel/kernel_lock.h): only this task's core's lock, so serving
    // threads of tasks on different cores run the common IPC path at the same time. A
    // syscall the core side may not do changes nothing there and runs again below, with
    // the whole kernel locked. Deterministic runs always take the whole kernel (the
    // scheduler's state lives under it).
    bool whole = deterministic() || !m_options.core_side ||
                 !kernel::Kernel::may_run_core_side(number);
    if (!whole) {
      ServingAs serving(ctx);
      CoreLocked locked(*this, ctx->core);
      if (ctx->forgotten) return;
      int64_t result = m_kernel->syscall_core_side(*ctx->task, number, args);
      if (result == kernel::kNeedsWholeKernel) {
        whole = true;
      } else if (result == kernel::kBlocked) {
        blocked = true;  // arch::task_resume answers later
      } else {
        respond_locked(ctx, result);
      }
    }  // unlocked: the answer is written now (flush_answers)
    if (whole) {
      Locked locked(*this);
      if (ctx->forgotten) return;
      if (deterministic()) {
        // The scheduler decides when this request runs (scheduler.cc).
        ctx->pending_number = number;
        for (int i = 0; i < 6; ++i) ctx->pending_args[i] = args[i];
        if (ctx->det == arch::DetState::Executing && m_executing > 0) --m_executing;
        ctx->det = arch::DetState::Pending;
        schedule_locked();
        continue;
      }
      int64_t result;
      {
        ServingAs serving(ctx);
        result = m_kernel->syscall(*ctx->task, number, args);
      }
      if (ctx->forgotten) return;  // hb_task_exit: the kernel stopped us
      if (result == kernel::kBlocked) {
        blocked = true;  // arch::task_resume answers later
      } else {
        respond_locked(ctx, result);
      }
    }  // unlocked: the answer is written now (flush_answers)
    // (5) Blocked: the answer will come from another task's serving thread. A task that
    // has a host CPU to itself may spin for it now that this thread leaves the CPU; tell it
    // (unless the answer came already).
    if (blocked && ctx->spin_when_blocked.load(std::memory_order_relaxed)) {
      uint32_t old = state.load(std::memory_order_relaxed);
      while (state_of(old) == kServing &&
             !state.compare_exchange_weak(old, kBlocked | (old & kServerSleeps),
                                          std::memory_order_acq_rel)) {
      }
      if (state_of(old) == kServing && (old & kTaskSleeps))
        futex_wake_bits(&channel->state, kTaskBit);
    }
  }
}

}  // namespace hosted::detail
