// arch/x86_64/sched.cc - the kernel object, the run queue, and the way back to user mode.
//
// A task here is Ready (in the FIFO run queue), Running (the current one) or Blocked (in a
// syscall the kernel returned kBlocked for, until arch::task_resume). Switching tasks is
// choosing which saved TrapFrame to return to (entry.S); there is nothing else to switch but
// CR3, the FPU/SSE registers and the stack pointer the next interrupt will use.
#include <arch/panic.h>
#include <arch/task_hooks.h>

#include <new>

#include "x86.h"

namespace x86 {

namespace {

alignas(kernel::Kernel) uint8_t g_kernel_storage[sizeof(kernel::Kernel)];
kernel::Kernel* g_kernel = nullptr;

arch::TaskContext* g_current = nullptr;
arch::TaskContext* g_ready_head = nullptr;
arch::TaskContext* g_ready_tail = nullptr;
arch::TaskContext* g_fpu_owner = nullptr;  // whose SSE state is in the registers now
alignas(16) uint8_t g_fpu_initial[512];

arch::TaskContext* pop_ready() {
  arch::TaskContext* ctx = g_ready_head;
  if (ctx) {
    g_ready_head = ctx->next_ready;
    if (!g_ready_head) g_ready_tail = nullptr;
    ctx->next_ready = nullptr;
  }
  return ctx;
}

void remove_ready(arch::TaskContext* ctx) {
  arch::TaskContext** link = &g_ready_head;
  arch::TaskContext* previous = nullptr;
  while (*link && *link != ctx) {
    previous = *link;
    link = &(*link)->next_ready;
  }
  if (!*link) return;
  *link = ctx->next_ready;
  if (g_ready_tail == ctx) g_ready_tail = previous;
  ctx->next_ready = nullptr;
}

[[noreturn]] void idle() {
  // DOC: x86-idle
  // Nothing is ready. Sleep until an interrupt (the timer) makes something ready. If every
  // task is blocked with no deadline, nothing ever will: say so and fail the run.
  g_current = nullptr;
  for (;;) {
    if (arch::TaskContext* next = pop_ready()) enter_user(next);
    g_kernel->lock().lock();
    bool stuck = g_kernel->next_deadline() == UINT64_MAX;
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
    __asm__ volatile("sti; hlt; cli");  // sti's one-instruction shadow: no lost wake-up
  }
}

}  // namespace

kernel::Kernel& the_kernel() {
  if (!g_kernel) {
    kernel::KernelConfig config;
    g_kernel = new (g_kernel_storage) kernel::Kernel(config);
  }
  return *g_kernel;
}

arch::TaskContext* current() { return g_current; }

bool preempt_pending() { return g_ready_head != nullptr; }

void make_ready(arch::TaskContext* ctx) {
  ctx->state = RunState::Ready;
  ctx->next_ready = nullptr;
  if (g_ready_tail)
    g_ready_tail->next_ready = ctx;
  else
    g_ready_head = ctx;
  g_ready_tail = ctx;
}

[[noreturn]] void run_next() {
  arch::TaskContext* next = pop_ready();
  if (!next) idle();
  enter_user(next);
}

void fpu_init() {
  uint64_t cr0, cr4;
  __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
  cr0 = (cr0 & ~(1ull << 2)) | (1ull << 1);  // EM off, MP on
  __asm__ volatile("mov %0, %%cr0" ::"r"(cr0));
  __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
  cr4 |= (1ull << 9) | (1ull << 10);  // OSFXSR, OSXMMEXCPT
  __asm__ volatile("mov %0, %%cr4" ::"r"(cr4));
  __asm__ volatile("fninit; fxsave %0" : "=m"(g_fpu_initial));
}

void fpu_state_init(arch::TaskContext* ctx) {
  for (int i = 0; i < 512; ++i) ctx->fpu[i] = g_fpu_initial[i];
}

// DOC: x86-context-switch
[[noreturn]] void enter_user(arch::TaskContext* ctx) {
  if (ctx != g_current) timer_new_slice();
  g_current = ctx;
  ctx->state = RunState::Running;
  // 1. the address space
  if (read_cr3() != ctx->pml4) write_cr3(ctx->pml4);
  // 2. the SSE/x87 registers (only when another task's are loaded)
  if (g_fpu_owner != ctx) {
    if (g_fpu_owner) __asm__ volatile("fxsave %0" : "=m"(g_fpu_owner->fpu));
    __asm__ volatile("fxrstor %0" ::"m"(ctx->fpu));
    g_fpu_owner = ctx;
  }
  // 3. where its registers go at the next entry: the end of its own frame
  uint64_t frame_top = reinterpret_cast<uint64_t>(&ctx->frame + 1);
  set_kernel_entry_stack(frame_top);
  x86_syscall_frame_top = frame_top;
  // 4. back to ring 3: sysret for a frame `syscall` made, iretq for any other
  if (ctx->frame.vector == kSyscallVector) x86_sysret_to(&ctx->frame);
  x86_iret_to(&ctx->frame);
}

void kill_current(int32_t code) {
  kernel::Kernel& k = the_kernel();
  k.lock().lock();
  k.task_died(*g_current->task, code);  // -> arch::task_stop(g_current)
  k.lock().unlock();
}

void forget_fpu(arch::TaskContext* ctx) {
  if (g_fpu_owner == ctx) g_fpu_owner = nullptr;
}

void unlink(arch::TaskContext* ctx) {
  if (ctx->state == RunState::Ready) remove_ready(ctx);
  if (ctx == g_current) {
    // The task is stopping inside its own kernel entry: leave its address space now, so
    // its page tables can be freed; the entry code sees current() == nullptr and moves on.
    write_cr3(kernel_pml4());
    g_current = nullptr;
  }
  forget_fpu(ctx);
}

}  // namespace x86

namespace arch {

// DOC: x86-task-resume
void task_resume(TaskContext* ctx, int64_t result) {
  ctx->frame.rax = static_cast<uint64_t>(result);  // the syscall's return value
  if (ctx->in_syscall) {
    ctx->resumed = true;  // completed before its own syscall even returned kBlocked
    return;
  }
  if (ctx->state != x86::RunState::Blocked) panic("task_resume: the task is not blocked");
  x86::make_ready(ctx);
}

}  // namespace arch
