// arch/x86_64/entry.S - every way into the kernel and the two ways out.
//
// The kernel keeps no kernel stack per task (docs/design.md section 3): a task's registers
// are saved in its own arch::TaskContext (x86.h), whose first member is the TrapFrame, and
// kernel C++ always runs on its core's kernel stack from its top. So:
//  - `syscall` (x86_syscall_entry): build the TrapFrame in the current task's context
//    (Core::frame_top = the frame's end), then call x86_syscall(frame) on the core's kernel
//    stack. It never returns: it leaves through x86_sysret_to or x86_iret_to, for this task
//    or another (a context switch is "return to a different frame", nothing more).
//  - an interrupt or exception in ring 3: the CPU pushes SS..RIP at TSS.rsp0, which is the
//    end of the current task's frame too (sched.cc sets it), the stub pushes the rest and
//    calls x86_trap_user(frame) on the kernel stack; it never returns either.
//  - an interrupt or exception in ring 0 (the idle loop, or a kernel bug): the frame is on
//    the kernel stack; x86_trap_kernel handles it (or panics) and we iretq back.
// Interrupts are off in the kernel: SFMASK clears IF on `syscall`, IDT entries are
// interrupt gates. Only the idle loop enables them (sched.cc).
//
// DOC: x86-swapgs
// Per-core data: in ring 3, GS is the task's; in the kernel, GS points at this core's
// x86::Core (smp.cc). Every entry from ring 3 starts with `swapgs` (the CPU swaps
// GS.base with the KERNEL_GS_BASE MSR) and every return to ring 3 ends with it, so between
// the two `gs:[...]` is this core's data. An entry from ring 0 must not swap: it is already
// the kernel's.
.intel_syntax noprefix

#define FRAME_VECTOR 120 /* offsetof(TrapFrame, vector) */
#define FRAME_CS 144
#define CORE_USER_RSP 8     /* offsetof(x86::Core, user_rsp) */
#define CORE_FRAME_TOP 16   /* offsetof(x86::Core, frame_top) */
#define CORE_KERNEL_STACK 24 /* offsetof(x86::Core, kernel_stack_top) */

.section .text

// The general registers, in the order of x86::TrapFrame (x86.h): the six syscall argument
// registers lowest (RDI RSI RDX R10 R8 R9), so x86_syscall reads them in place as an array.
.macro PUSH_GPRS
  push r15
  push r14
  push r13
  push r12
  push r11
  push rbp
  push rcx
  push rbx
  push rax
  push r9
  push r8
  push r10
  push rdx
  push rsi
  push rdi
.endm

.macro POP_GPRS
  pop rdi
  pop rsi
  pop rdx
  pop r10
  pop r8
  pop r9
  pop rax
  pop rbx
  pop rcx
  pop rbp
  pop r11
  pop r12
  pop r13
  pop r14
  pop r15
.endm

// DOC: x86-syscall-entry
// `syscall`: RCX = user RIP, R11 = user RFLAGS, RSP still the user's. Number in RAX,
// arguments in RDI RSI RDX R10 R8 R9 (userland/runtime/x86_64/syscall.cc).
.global x86_syscall_entry
x86_syscall_entry:
  swapgs                             // GS = this core's x86::Core
  mov gs:[CORE_USER_RSP], rsp
  mov rsp, gs:[CORE_FRAME_TOP]
  push 0x1b                          // ss: user data
  push qword ptr gs:[CORE_USER_RSP]  // rsp
  push r11                           // rflags
  push 0x23                          // cs: user code
  push rcx                           // rip
  push 0                             // error
  push 0x100                         // vector: x86::kSyscallVector
  PUSH_GPRS
  mov rdi, rsp
  mov rsp, gs:[CORE_KERNEL_STACK]    // (no cld: SFMASK has cleared DF, boot.cc)
  call x86_syscall                   // [[noreturn]]
  ud2

// Interrupt and exception stubs: vectors 0..63 (x86.h kVectors). Those where the CPU pushes an error code
// (8, 10-14, 17, 21, 29, 30) do not push the dummy one.
.macro ISR n
isr_\n:
  .if (\n == 8) || (\n >= 10 && \n <= 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
  .else
  push 0
  .endif
  push \n
  jmp isr_common
.endm

.altmacro
.set i, 0
.rept 64
  ISR %i
  .set i, i + 1
.endr

isr_common:
  PUSH_GPRS
  mov rdi, rsp
  cld
  test qword ptr [rsp + FRAME_CS], 3
  jz 1f
  swapgs                                 // from ring 3: GS = this core's x86::Core
  mov rsp, gs:[CORE_KERNEL_STACK]        // the frame is in the task context
  call x86_trap_user                     // [[noreturn]]
  ud2
1:
  call x86_trap_kernel                   // from ring 0: handle it here and go back
  POP_GPRS
  add rsp, 16
  iretq

.macro ISR_ADDR n
  .quad isr_\n
.endm
.section .rodata
.balign 8
.global x86_isr_table
x86_isr_table:
.set i, 0
.rept 64
  ISR_ADDR %i
  .set i, i + 1
.endr

.section .text
// [[noreturn]] x86_iret_to(TrapFrame*): restore every register, iretq (any ring-3 frame).
.global x86_iret_to
x86_iret_to:
  mov rsp, rdi
  POP_GPRS
  add rsp, 16
  swapgs                             // back to the task's GS
  iretq

// DOC: x86-sysret
// [[noreturn]] x86_sysret_to(TrapFrame*): the fast way back for a frame made by `syscall`:
// RCX and R11 are the syscall's clobbers, so they carry RIP and RFLAGS back.
.global x86_sysret_to
x86_sysret_to:
  mov rsp, rdi
  POP_GPRS
  mov rcx, [rsp + 16]                // rip
  mov r11, [rsp + 32]                // rflags
  mov rsp, [rsp + 40]                // user rsp
  swapgs                             // back to the task's GS
  sysretq
