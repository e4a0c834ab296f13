// arch/x86_64/trap.cc - what happens after entry.S: a syscall, an interrupt, an exception.
//
// Every function here that came from ring 3 ends by returning to *some* task's frame
// (enter_user) or running the next one (run_next): the kernel stack is never unwound, it is
// simply reused from its top at the next entry.
#include <arch/panic.h>
#include <harbor/abi/syscalls.h>

#include "x86.h"

namespace x86 {

namespace {

const char* const kExceptionNames[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range", "#UD invalid opcode", "#NM no FPU", "#DF double fault",
    "coprocessor overrun", "#TS invalid TSS", "#NP segment not present", "#SS stack fault",
    "#GP general protection", "#PF page fault", "reserved 15", "#MF x87 error",
    "#AC alignment check", "#MC machine check", "#XM SIMD error", "#VE virtualization",
    "#CP control protection", "reserved 22", "reserved 23", "reserved 24", "reserved 25",
    "reserved 26", "reserved 27", "#HV", "#VC", "#SX security", "reserved 31"};

void dump(const TrapFrame& f) {
  print("  rip=");
  print_hex(f.rip);
  print(" rsp=");
  print_hex(f.rsp);
  print(" error=");
  print_hex(f.error);
  if (f.vector == 14) {
    print(" address=");
    print_hex(read_cr2());
  }
  print("\n  rax=");
  print_hex(f.rax);
  print(" rbx=");
  print_hex(f.rbx);
  print(" rcx=");
  print_hex(f.rcx);
  print(" rdx=");
  print_hex(f.rdx);
  print("\n  rsi=");
  print_hex(f.rsi);
  print(" rdi=");
  print_hex(f.rdi);
  print(" rbp=");
  print_hex(f.rbp);
  print(" rflags=");
  print_hex(f.rflags);
  print("\n");
}

// An interrupt that is not an exception: acknowledge it, and do its work if it has any.
void irq_done(uint64_t vector) {
  if (vector >= kVectorWake) {  // the local APIC's
    if (vector == kVectorSpurious) return;  // no EOI for a spurious one
    lapic_eoi();
    if (vector == kVectorTlb) x86_poll_cross_core_work();
    // kVectorWake: nothing to do; the core leaves hlt (or the task resumes) and looks again.
    return;
  }
  if (vector == 39 || vector == 47) return;  // spurious IRQ 7 / 15: no EOI
  if (vector >= 40) outb(0xA0, 0x20);
  outb(0x20, 0x20);
}

}  // namespace

// The exit code of a task killed by CPU exception `vector`: -1000 - vector (a page fault is
// -1014), negative as SPEC 3 asks, and readable.
constexpr int32_t kFaultExitBase = -1000;

}  // namespace x86

using namespace x86;

// DOC: x86-syscall-dispatch
extern "C" [[noreturn]] void x86_syscall(TrapFrame* f) {
  Core& me = this_core();
  arch::TaskContext* task = me.current;
  const uint64_t* args = &f->rdi;  // RDI RSI RDX R10 R8 R9, in place in the frame (x86.h)
  uint32_t number = f->rax > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(f->rax);
  kernel::Kernel& k = *g_kernel;  // made at boot, before the first task ran
  k.lock().lock();
  if (task->kill_pending) {  // hb_task_kill from another core: end here (sched.cc)
    k.lock().unlock();
    enter_user(task);
  }
  task->in_syscall = true;
  task->resumed = false;
  me.serving = true;
  ++me.syscalls;
  int64_t result = k.syscall(*task->task, number, args);
  me.serving = false;
  // DOC: x86-direct-switch
  // (1) is in arch::task_resume (sched.cc). (2) The task this syscall woke on this core, if any
  // (arch::task_resume kept it aside instead of queueing it).
  arch::TaskContext* woken = me.direct;
  me.direct = nullptr;
  if (!me.current) {  // it exited: arch::task_stop has freed `task`
    k.lock().unlock();
    if (woken) switch_to_woken(woken);
    run_next();
  }
  task->in_syscall = false;
  // DOC: x86-block
  // Blocked until arch::task_resume, which another core may call as soon as the lock is
  // released: so the state changes before that.
  bool blocked = result == kernel::kBlocked && !task->resumed;
  if (blocked) task->state = RunState::Blocked;
  // (3) The caller goes on (or yields): the woken task waits its turn in the queue.
  if (woken && !blocked) make_ready(woken);
  k.lock().unlock();
  if (blocked) {
    // (4) The caller waits (hb_call, hb_reply_recv, a blocking receive): switch straight to
    // the task it woke (the receiver of its message, the caller of its reply), on the rest of
    // the caller's time slice; the others on this core's queue keep their order and get the
    // core when the slice is used up.
    if (woken) switch_to_woken(woken);
    run_next();  // run someone else; `task` belongs to whoever resumes it now
  }
  if (result != kernel::kBlocked) f->rax = static_cast<uint64_t>(result);
  // else: completed while we were still inside the kernel (resumed): RAX is set
  if (number == HB_SYS_YIELD) {
    make_ready(task);  // to the back of the queue
    run_next();
  }
  enter_user(task);
}

extern "C" [[noreturn]] void x86_trap_user(TrapFrame* f) {
  if (f->vector == 32 || f->vector == kVectorTimer) {
    if (f->vector == 32)
      timer_tick(true);  // may preempt (never returns then)
    else
      timer_tick_local(true);
    enter_user(current());
  }
  if (f->vector >= 32) {
    irq_done(f->vector);
    enter_user(current());
  }
  // DOC: x86-fault-kills-task
  // A CPU exception in ring 3: the task is killed, the kernel goes on.
  kernel::Task* task = current()->task;
  print("harbor: task ");
  print_dec(static_cast<int64_t>(task->id()));
  print(" (");
  print(task->name());
  print(") killed by ");
  print(kExceptionNames[f->vector]);
  print("\n");
  dump(*f);
  kill_current(kFaultExitBase - static_cast<int32_t>(f->vector));
  run_next();
}

extern "C" void x86_trap_kernel(TrapFrame* f) {
  if (f->vector == 32) {
    timer_tick(false);
    return;
  }
  if (f->vector == kVectorTimer) {
    timer_tick_local(false);
    return;
  }
  if (f->vector >= 32) {
    irq_done(f->vector);
    return;
  }
  print("\nharbor: exception in the kernel: ");
  print(kExceptionNames[f->vector]);
  print("\n");
  dump(*f);
  arch::panic("CPU exception in ring 0");
}
