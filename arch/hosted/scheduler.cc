// arch/hosted/scheduler.cc - deterministic mode (--deterministic, --seed N; STYLE 17).
//
// Only one task runs user code at a time. The machine decides at syscall boundaries:
//
//   (1) a task posts a syscall: it stops Executing and becomes Pending;
//   (2) when no task is Executing (every process sits in a syscall, or has not reached its
//       first one... that one is still Executing and we wait for it), the scheduler picks
//       one task among the Pending and Ready ones: round robin by task id (seed 0) or a
//       seeded pseudo-random pick;
//   (3) a Pending pick has its syscall run now; a Ready pick (resumed by the kernel while
//       blocked) gets its result delivered. A task that gets a result is Executing again;
//   (4) the logical clock advances by kTick per syscall run; when nobody can run but a
//       deadline is armed, the clock jumps to it (a timeout is never waited for in real time).
//
// Which syscall runs next therefore depends only on the programs and the seed, and so does
// every trace record (with the logical clock): runs repeat byte for byte. One outside
// influence remains, the caller of Machine::start: the scheduler stays held (m_held) while
// it wires up a scenario, until Machine::resume or its first Machine::wait.
#include "machine_core.h"

namespace hosted::detail {

namespace {
constexpr uint64_t kTick = 1000;  // logical nanoseconds per syscall

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
}  // namespace

void MachineCore::set_held_locked(bool held) {
  m_held = deterministic() && held;
  schedule_locked();
}

void MachineCore::schedule_locked() {
  if (!deterministic() || m_shutting_down || m_held) return;
  while (m_executing == 0) {
    // m_live is ordered by task id, so the candidate list is the same on every run.
    std::vector<arch::TaskContext*> candidates;
    for (auto& [id, ctx] : m_live) {
      if (ctx->forgotten || ctx->exited) continue;
      if (ctx->det == arch::DetState::Pending || ctx->det == arch::DetState::Ready)
        candidates.push_back(ctx);
    }
    if (candidates.empty()) {
      // (4) Nobody can run: let time jump to the next deadline, if there is one.
      uint64_t deadline = m_kernel->next_deadline();
      if (deadline == UINT64_MAX) return;  // all blocked for good (or all gone)
      if (deadline > m_logical_now) m_logical_now = deadline;
      m_kernel->expire_deadlines(m_logical_now);
      continue;
    }

    // (2) Pick.
    arch::TaskContext* pick = nullptr;
    if (m_options.seed == 0) {
      for (arch::TaskContext* c : candidates)
        if (c->id > m_rr_last) {
          pick = c;
          break;
        }
      if (!pick) pick = candidates.front();
    } else {
      pick = candidates[splitmix64(m_rng) % candidates.size()];
    }
    m_rr_last = pick->id;

    // (3) Run or deliver.
    int64_t result = pick->ready_result;
    if (pick->det == arch::DetState::Pending) {
      m_logical_now += kTick;  // (4)
      {
        ServingAs serving(pick);
        result = m_kernel->syscall(*pick->task, pick->pending_number, pick->pending_args);
      }
      if (!pick->forgotten && result == kernel::kBlocked) pick->det = arch::DetState::Blocked;
    }
    if (!pick->forgotten && pick->det != arch::DetState::Blocked) {
      pick->det = arch::DetState::Executing;
      ++m_executing;
      respond_locked(pick, result);
    }
    if (m_kernel->next_deadline() <= m_logical_now) m_kernel->expire_deadlines(m_logical_now);
  }
}

}  // namespace hosted::detail
