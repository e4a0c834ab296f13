// arch/x86_64/x86.h - what the x86-64 files share: the trap frame, the task context,
// selectors, and one-line wrappers for the instructions C++ cannot write.
//
// Not part of the arch seam (arch/x86_64/include/arch/): the portable kernel never sees it.
#pragma once

#include <kernel/kernel.h>

#include <cstddef>
#include <cstdint>

namespace x86 {

// ---- segments (gdt.cc). The order is forced by `sysret`: STAR[63:48] = 0x10, so sysret
// loads SS = 0x10 + 8 = user data and CS = 0x10 + 16 = user code (each with RPL 3).
constexpr uint16_t kKernelCode = 0x08;
constexpr uint16_t kKernelData = 0x10;
constexpr uint16_t kUserData = 0x18 | 3;
constexpr uint16_t kUserCode = 0x20 | 3;
constexpr uint16_t kTss = 0x28;

// ---- the trap frame: every entry into the kernel saves the user's registers in this shape.
// Lowest address first: the general registers the entry stubs push (entry.S), then what the
// CPU pushes on an interrupt (or what syscall_entry builds to look the same).
constexpr uint64_t kSyscallVector = 0x100;  // frame.vector of a frame made by `syscall`

struct TrapFrame {
  uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
  uint64_t vector, error;
  uint64_t rip, cs, rflags, rsp, ss;
};
static_assert(sizeof(TrapFrame) == 22 * 8, "entry.S knows this layout");
static_assert(sizeof(TrapFrame) % 16 == 0, "the CPU pushes to a 16-byte aligned RSP0");

// ---- a task as the machine sees it (arch::TaskContext is this). -------------------------
enum class RunState : uint8_t { Ready, Running, Blocked };

}  // namespace x86

namespace arch {

// The frame is first and 16-byte aligned: TSS.rsp0 and the syscall stub point at its end, so
// the CPU and entry.S save a task's registers straight into its context (no copy).
struct alignas(16) TaskContext {
  x86::TrapFrame frame;
  alignas(16) uint8_t fpu[512];  // fxsave area: user SSE/x87 state (the kernel uses none)
  kernel::Task* task{nullptr};
  uint64_t pml4{0};              // physical address of this task's top page table
  TaskContext* next_ready{nullptr};
  x86::RunState state{x86::RunState::Ready};
  bool in_syscall{false};        // its own syscall is being served now
  bool resumed{false};           // ... and task_resume() already completed it
  bool root{false};              // started by the boot code (init): its exit is the verdict
  uint64_t next_region{0};       // where the next grant region mapping goes (region.cc)
};

}  // namespace arch

namespace x86 {

// ---- instructions ------------------------------------------------------------------------
inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
inline uint8_t inb(uint16_t port) {
  uint8_t v;
  __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}
inline uint64_t rdmsr(uint32_t msr) {
  uint32_t lo, hi;
  __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
  return (static_cast<uint64_t>(hi) << 32) | lo;
}
inline void wrmsr(uint32_t msr, uint64_t v) {
  __asm__ volatile("wrmsr" ::"c"(msr), "a"(static_cast<uint32_t>(v)),
                   "d"(static_cast<uint32_t>(v >> 32)));
}
inline uint64_t rdtsc() {
  uint32_t lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return (static_cast<uint64_t>(hi) << 32) | lo;
}
inline uint64_t read_cr2() {
  uint64_t v;
  __asm__ volatile("mov %%cr2, %0" : "=r"(v));
  return v;
}
inline uint64_t read_cr3() {
  uint64_t v;
  __asm__ volatile("mov %%cr3, %0" : "=r"(v));
  return v;
}
inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" ::"r"(v) : "memory"); }
[[noreturn]] inline void halt_forever() {
  for (;;) __asm__ volatile("cli; hlt");
}

// ---- the pieces, one file each ------------------------------------------------------------
// serial.cc: COM1 and the isa-debug-exit verdict.
void serial_init();
void print(const char* text);
void print_hex(uint64_t v);
void print_dec(int64_t v);
enum class Verdict : uint8_t { Pass = 0x10, Fail = 0x11, Panic = 0x12 };  // QEMU exits 2v+1
[[noreturn]] void exit_qemu(Verdict v);

// gdt.cc: GDT, TSS, IDT.
void gdt_init();
void idt_init();
void set_kernel_entry_stack(uint64_t rsp0);  // TSS.rsp0: where a ring-3 interrupt saves

// memory.cc: physical pages and the kernel heap (arch::heap_alloc).
void memory_init(uint32_t multiboot_info);
uint64_t page_alloc();          // one zeroed 4 KiB page (physical == kernel virtual), or 0
void page_free(uint64_t page);
uint64_t pages_free();

// paging.cc: one address space per task.
constexpr uint64_t kUserBase = 0x40000000;      // 1 GiB: below it is the kernel's
constexpr uint64_t kUserEnd = 0x8000000000;     // 512 GiB: what one PML4 entry covers
constexpr uint64_t kPageUser = 1u << 2, kPageWrite = 1u << 1, kPagePresent = 1u << 0;
constexpr uint64_t kPageNoExec = 1ull << 63;
constexpr uint64_t kPageShared = 1ull << 9;  // a grant region's frame: not the task's to free
uint64_t kernel_pml4();
uint64_t space_create();        // a new PML4 with the kernel mapped; 0 when out of memory
void space_destroy(uint64_t pml4);
bool space_map(uint64_t pml4, uint64_t va, uint64_t page, uint64_t flags);
uint64_t space_lookup(uint64_t pml4, uint64_t va, bool write);  // physical, or 0 (not user)
void space_unmap(uint64_t pml4, uint64_t va);  // clears the page's entry (and its TLB entry)

// timer.cc: PIT tick, TSC clock, deadlines.
void timer_init();
void timer_tick(bool from_user);
void timer_new_slice();               // the task about to run starts a fresh time slice

// fpu.cc-ish (sched.cc): SSE on, per-task state.
void fpu_init();
void fpu_state_init(arch::TaskContext* ctx);  // a new task: the FPU as after reset

// sched.cc: the run queue and the way back to user mode.
kernel::Kernel& the_kernel();
arch::TaskContext* current();
void make_ready(arch::TaskContext* ctx);
[[noreturn]] void run_next();            // the current task is done for now: run another
[[noreturn]] void enter_user(arch::TaskContext* ctx);
bool preempt_pending();                  // another task is ready
void kill_current(int32_t code);         // a fault: the kernel forgets the task
void unlink(arch::TaskContext* ctx);     // task_stop: off the run queue, out of the CPU

// loader.cc: built-in program images.
int32_t load_image(const char* name, uint64_t pml4, uint64_t* entry);

}  // namespace x86

// entry.S
extern "C" {
extern uint64_t x86_kernel_stack_top;   // where kernel C++ runs
extern uint64_t x86_syscall_frame_top;  // end of the current task's frame
void x86_syscall_entry();
[[noreturn]] void x86_iret_to(x86::TrapFrame* frame);
[[noreturn]] void x86_sysret_to(x86::TrapFrame* frame);
extern uint64_t x86_isr_table[48];
}
