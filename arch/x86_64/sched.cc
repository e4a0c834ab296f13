// arch/x86_64/sched.cc - the kernel object, the per-core run queues, and the way back to user
// mode.
//
// A task here is Ready (in its core's FIFO run queue), Running (the current one of its core)
// or Blocked (in a syscall the kernel returned kBlocked for, until arch::task_resume).
// Switching tasks is choosing which saved TrapFrame to return to (entry.S); there is nothing
// else to switch but CR3, the FPU/SSE registers and the stack pointer the next interrupt will
// use.
//
// DOC: x86-run-queues
// SMP: every task lives on one core for its whole life, chosen when it
// starts (place_task: the online core with the fewest tasks). Each core has its own run queue
// under its own lock (x86::Core::ready_lock, always taken after the kernel lock when both
// are held). A core whose queue is empty halts (idle); whoever makes one of its tasks ready
// from another core sends it a wake-up IPI (make_ready). Tasks never migrate, so a task's
// SSE state is only ever in its own core's registers (lazy switching stays per core).
#include <arch/panic.h>
#include <arch/task_hooks.h>
#include <kernel/kernel.h>

#include <new>

#include "x86.h"

namespace x86 {

namespace {

alignas(kernel::Kernel) uint8_t g_kernel_storage[sizeof(kernel::Kernel)];
alignas(16) uint8_t g_fpu_initial[512];

// Takes the oldest ready task of this core, or marks the core idle, under the queue's lock (so
// core 0's deadlock check never sees a task in neither place: queued, or its core not idle).
arch::TaskContext* pop_ready(Core& core) {
  core.ready_lock.lock();
  arch::TaskContext* ctx = core.ready_head;
  if (ctx) {
    core.ready_head = ctx->next_ready;
    if (!core.ready_head) core.ready_tail = nullptr;
    ctx->next_ready = nullptr;
  }
  core.idle = ctx == nullptr;
  core.ready_lock.unlock();
  return ctx;
}

void remove_ready(arch::TaskContext* ctx) {
  Core& core = g_cores[ctx->core];
  core.ready_lock.lock();
  arch::TaskContext** link = &core.ready_head;
  arch::TaskContext* previous = nullptr;
  while (*link && *link != ctx) {
    previous = *link;
    link = &(*link)->next_ready;
  }
  if (*link) {
    *link = ctx->next_ready;
    if (core.ready_tail == ctx) core.ready_tail = previous;
    ctx->next_ready = nullptr;
  }
  core.ready_lock.unlock();
}

// Nothing can ever happen again: every core idles with an empty queue and no task has a
// deadline. Called by core 0 with the kernel lock held (so no syscall is half done).
bool everything_stuck() {
  if (g_kernel->next_deadline() != UINT64_MAX) return false;
  for (uint32_t i = 0; i < arch::kMaxCores; ++i) {
    Core& core = g_cores[i];
    if (!core.online) continue;
    core.ready_lock.lock();
    bool busy = !core.idle || core.ready_head != nullptr;
    core.ready_lock.unlock();
    if (busy) return false;
  }
  return true;
}

[[noreturn]] void idle() {
  // DOC: x86-idle
  // Nothing is ready on this core. Sleep until an interrupt (the timer, or another core's
  // wake-up IPI) makes something ready. If every task of every core is blocked with no
  // deadline, nothing ever will: core 0 says so and fails the run.
  Core& me = this_core();
  me.current = nullptr;
  for (;;) {
    if (arch::TaskContext* next = pop_ready(me)) enter_user(next);
    if (me.index == 0) {
      g_kernel->lock().lock();
      bool stuck = everything_stuck();
      g_kernel->lock().unlock();
      if (stuck) {
        print("harbor: every task is blocked for ever (deadlock); tasks:\n");
        g_kernel->for_each_task([](kernel::Task& t) {
          print("  task ");
          print_dec(static_cast<int64_t>(t.id()));
          print(" ");
          print(t.name());
          print(t.alive() ? " blocked\n" : " exited\n");
        });
        exit_qemu(Verdict::Fail);
      }
    }
    // pop_ready set me.idle under the queue lock before it found the queue empty, so a core
    // that queues a task for us after that sends the IPI, which sti's one-instruction shadow
    // keeps pending until hlt: no lost wake-up.
    __asm__ volatile("sti; hlt; cli" ::: "memory");
  }
}

}  // namespace

kernel::Kernel* g_kernel = nullptr;

kernel::Kernel& the_kernel() {
  if (!g_kernel) {
    kernel::KernelConfig config;
    g_kernel = new (g_kernel_storage) kernel::Kernel(config);
  }
  return *g_kernel;
}

arch::TaskContext* current() { return this_core().current; }

bool preempt_pending() {
  return __atomic_load_n(&this_core().ready_head, __ATOMIC_RELAXED) != nullptr;
}

// The online core with the fewest live tasks; among equals, the next one after the core
// chosen last time (round robin), so that every core gets work. Kernel lock held.
uint32_t place_task() {
  static uint32_t last = arch::kMaxCores - 1;  // so that the first task (init) gets core 0
  uint32_t best = UINT32_MAX;
  for (uint32_t k = 1; k <= arch::kMaxCores; ++k) {
    uint32_t i = (last + k) % arch::kMaxCores;
    if (g_cores[i].online && (best == UINT32_MAX || g_cores[i].tasks < g_cores[best].tasks))
      best = i;
  }
  last = best;
  return best;
}

void make_ready(arch::TaskContext* ctx) {
  Core& core = g_cores[ctx->core];
  core.ready_lock.lock();
  ctx->state = RunState::Ready;
  ctx->next_ready = nullptr;
  if (core.ready_tail)
    core.ready_tail->next_ready = ctx;
  else
    core.ready_head = ctx;
  core.ready_tail = ctx;
  bool wake = core.idle && &core != &this_core();
  core.idle = false;  // one IPI is enough
  core.ready_lock.unlock();
  if (wake) send_ipi(core.index, kVectorWake);
}

[[noreturn]] void run_next() {
  Core& me = this_core();
  arch::TaskContext* next = pop_ready(me);
  if (!next) idle();
  enter_user(next);
}

void fpu_init_core() {
  uint64_t cr0, cr4;
  __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
  cr0 = (cr0 & ~(1ull << 2)) | (1ull << 1);  // EM off, MP on
  __asm__ volatile("mov %0, %%cr0" ::"r"(cr0));
  __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
  cr4 |= (1ull << 9) | (1ull << 10);  // OSFXSR, OSXMMEXCPT
  __asm__ volatile("mov %0, %%cr4" ::"r"(cr4));
  __asm__ volatile("fninit");
}

void fpu_init() {
  fpu_init_core();
  __asm__ volatile("fxsave %0" : "=m"(g_fpu_initial));
}

void fpu_state_init(arch::TaskContext* ctx) {
  for (int i = 0; i < 512; ++i) ctx->fpu[i] = g_fpu_initial[i];
}

// DOC: x86-context-switch
[[noreturn]] void enter_user(arch::TaskContext* ctx) {
  Core& me = this_core();
  if (ctx->kill_pending) {  // hb_task_kill (arch_task_kill): end it here, on its own core
    me.current = ctx;
    ctx->state = RunState::Running;
    kill_current(-9);
    run_next();
  }
  if (ctx != me.current) {
    timer_new_slice();
    ++me.switches;
  }
  me.current = ctx;
  ctx->state = RunState::Running;
  // 1. the address space
  if (read_cr3() != ctx->pml4) write_cr3(ctx->pml4);
  // 2. the SSE/x87 registers (only when another task's are loaded)
  if (me.fpu_owner != ctx) {
    if (me.fpu_owner) __asm__ volatile("fxsave %0" : "=m"(me.fpu_owner->fpu));
    __asm__ volatile("fxrstor %0" ::"m"(ctx->fpu));
    me.fpu_owner = ctx;
  }
  // 3. where its registers go at the next entry: the end of its own frame
  uint64_t frame_top = reinterpret_cast<uint64_t>(&ctx->frame + 1);
  set_kernel_entry_stack(frame_top);
  me.frame_top = frame_top;
  // 4. back to ring 3: sysret for a frame `syscall` made, iretq for any other
  if (ctx->frame.vector == kSyscallVector) x86_sysret_to(&ctx->frame);
  x86_iret_to(&ctx->frame);
}

// The direct switch's way in (trap.cc, step 4): like enter_user, but the woken task runs on
// the rest of the caller's time slice (L4's "donation"). A fresh slice per switch would let a
// call/reply pair hold the core for ever: neither would ever use one up, and the timer would
// never hand the core to anyone else (tests/qemu/programs/ipc_fairness.c).
[[noreturn]] void switch_to_woken(arch::TaskContext* ctx) {
  Core& me = this_core();
  ++me.switches;
  ++me.direct_switches;
  me.current = ctx;  // so that enter_user keeps the slice count
  enter_user(ctx);
}

// DOC: x86-task-kill
// hb_task_kill. A task's address space is freed only on its own core, by the task's own
// kernel entry (as for a fault): another core may still run it, or still have its page tables
// loaded just after it blocked. So the task is only marked; a blocked one is taken out of its
// wait so that it runs; and it ends the next time its core would run it (enter_user), or at
// its next syscall.
void arch_task_kill(arch::TaskContext* ctx) {
  ctx->kill_pending = true;
  ctx->task->kernel().interrupt(*ctx->task, HB_ERR_PEER_CLOSED);
}

void kill_current(int32_t code) {
  kernel::Kernel& k = the_kernel();
  k.lock().lock();
  k.task_died(*current()->task, code);  // -> arch::task_stop(current())
  k.lock().unlock();
}

void unlink(arch::TaskContext* ctx) {
  if (ctx->state == RunState::Ready) remove_ready(ctx);
  Core& me = this_core();
  if (ctx == me.current) {
    // The task is stopping inside its own kernel entry: leave its address space now, so
    // its page tables can be freed; the entry code sees current() == nullptr and moves on.
    write_cr3(kernel_pml4());
    me.current = nullptr;
  }
  Core& home = g_cores[ctx->core];
  if (home.fpu_owner == ctx) home.fpu_owner = nullptr;  // tasks stop on their own core
  --home.tasks;
}

}  // namespace x86

namespace arch {

void task_kill(TaskContext* ctx) { x86::arch_task_kill(ctx); }

// DOC: x86-task-resume
void task_resume(TaskContext* ctx, int64_t result) {
  ctx->frame.rax = static_cast<uint64_t>(result);  // the syscall's return value
  if (ctx->in_syscall) {
    ctx->resumed = true;  // completed before its own syscall even returned kBlocked
    return;
  }
  if (ctx->state != x86::RunState::Blocked) panic("task_resume: the task is not blocked");
  x86::Core& me = x86::this_core();
  if (me.serving && !me.direct && ctx->core == me.index) {
    // Direct switch, step 1 (trap.cc, x86_syscall): woken by the syscall this core is
    // serving: keep it aside; x86_syscall runs it next if the caller blocks, or queues it if
    // the caller goes on.
    ctx->state = x86::RunState::Ready;
    me.direct = ctx;
    return;
  }
  x86::make_ready(ctx);  // on its own core's queue; an IPI wakes that core if it idles
}

}  // namespace arch
