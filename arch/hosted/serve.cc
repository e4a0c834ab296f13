// arch/hosted/serve.cc - one serving thread per task: it waits for the task's syscalls on
// the channel and runs them in the kernel (steps (3) and (5) of hosted/channel.h).
#include "machine_core.h"

namespace hosted::detail {

// (5) Lock held. awaiting_response is cleared *before* the state changes: once the task
// sees Response it may post its next Request at once, and the serving thread must not then
// find the previous request still marked as unanswered (it would sleep on Request forever).
void MachineCore::respond_locked(arch::TaskContext* ctx, int64_t result) {
  std::atomic_ref<int64_t>(ctx->channel->result).store(result, std::memory_order_relaxed);
  ctx->awaiting_response.store(false, std::memory_order_release);
  channel_state(ctx->channel).store(kResponse, std::memory_order_release);
  futex_wake_all(&ctx->channel->state);
}

void MachineCore::serve_loop(arch::TaskContext* ctx) {
  Channel* channel = ctx->channel;
  auto state = channel_state(channel);
  for (;;) {
    if (ctx->stopping.load(std::memory_order_acquire)) return;
    uint32_t seen = state.load(std::memory_order_acquire);
    // After an answer the next request often follows at once: spin a little first, if
    // there are idle cores (update_spin_locked).
    if (seen == kResponse)
      seen = spin_while(&channel->state, kResponse, m_spin_ns.load(std::memory_order_relaxed));
    // Dead from the page itself proves nothing (the task can write it): only `stopping`,
    // which the machine alone sets, ends this thread.
    // (3) A new request, and we are not still answering the previous one (a task that
    // posts a request while blocked is ignored until its blocked call completes).
    if (seen != kRequest || ctx->awaiting_response.load(std::memory_order_acquire)) {
      futex_wait(&channel->state, seen);
      continue;
    }
    if (!state.compare_exchange_strong(seen, kServing, std::memory_order_acq_rel)) continue;

    // Copy the request once: the task may scribble on the page while we work.
    uint32_t number = std::atomic_ref<uint32_t>(channel->number).load(std::memory_order_relaxed);
    uint64_t args[6];
    for (int i = 0; i < 6; ++i)
      args[i] = std::atomic_ref<uint64_t>(channel->args[i]).load(std::memory_order_relaxed);
    ctx->awaiting_response.store(true, std::memory_order_release);

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
    if (ctx->forgotten) return;             // hb_task_exit: the kernel stopped us
    if (result == kernel::kBlocked) continue;  // arch::task_resume answers later
    respond_locked(ctx, result);
  }
}

}  // namespace hosted::detail
