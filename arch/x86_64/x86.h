// arch/x86_64/x86.h - what the x86-64 files share: the trap frame, the task context,
// selectors, and one-line wrappers for the instructions C++ cannot write.
//
// Not part of the arch seam (arch/x86_64/include/arch/): the portable kernel never sees it.
#pragma once

#include <arch/cpu.h>
#include <arch/lock.h>
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

// The syscall argument registers come first, in argument order: x86_syscall (trap.cc) passes
// &frame.rdi to the kernel as its array of six arguments, without copying them.
struct TrapFrame {
  uint64_t rdi, rsi, rdx, r10, r8, r9, rax, rbx, rcx, rbp, r11, r12, r13, r14, r15;
  uint64_t vector, error;
  uint64_t rip, cs, rflags, rsp, ss;
};
static_assert(sizeof(TrapFrame) == 22 * 8, "entry.S knows this layout");
static_assert(offsetof(TrapFrame, r9) == 5 * 8 && offsetof(TrapFrame, vector) == 120 &&
                  offsetof(TrapFrame, cs) == 144,
              "entry.S (PUSH_GPRS, FRAME_VECTOR, FRAME_CS) and x86_syscall know these offsets");
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
  bool kill_pending{false};      // hb_task_kill while it ran on another core (sched.cc)
  uint64_t next_region{0};       // where the next grant region mapping goes (region.cc)
  uint32_t core{0};              // the core it lives on (x86::Core::index), for its life
};

}  // namespace arch

namespace x86 {

// ---- one core (smp.cc). GS points at its Core while the kernel runs (`swapgs` on every
// entry from ring 3 and before every return to it), so entry.S finds the core's kernel stack
// and where to save a `syscall`'s registers, and this_core() is one load.
struct Core {
  // entry.S reads the first four by offset (CORE_* there): keep them first, in this order.
  Core* self;                       // gs:0
  uint64_t user_rsp;                // gs:8   `syscall` scratch: the user's RSP
  uint64_t frame_top;               // gs:16  end of the current task's TrapFrame
  uint64_t kernel_stack_top;        // gs:24  where kernel C++ runs on this core
  uint32_t index;                   // gs:32  arch::current_core()
  uint32_t apic_id;                 // the local APIC's id (MADT)
  arch::TaskContext* current;       // the task in ring 3 (or in its syscall), or nullptr
  arch::TaskContext* fpu_owner;     // whose SSE state is in this core's registers
  // The run queue (FIFO) of the tasks that live on this core, under ready_lock.
  arch::Lock ready_lock;
  arch::TaskContext* ready_head;
  arch::TaskContext* ready_tail;
  bool idle;                        // found its queue empty (under ready_lock), halting
  bool online;                      // started (smp.cc), takes tasks
  uint32_t slice_used;              // timer ticks the current task has run (timer.cc)
  uint32_t tasks;                   // tasks placed here, alive (placement, loader.cc)
  uint32_t tlb_flush_pending;       // another core changed page tables: reload CR3 (smp.cc)
  // Direct switch (trap.cc, x86_syscall): while this core serves a syscall
  // (serving), the first task of this core that the syscall wakes is kept here instead of
  // being queued, so that it can run next without a trip through the run queue.
  bool serving;
  arch::TaskContext* direct;
  // What this core did, printed at the end of the run (loader.cc, task_stop of init).
  uint64_t syscalls;
  uint64_t switches;         // enter_user of another task than the last one
  uint64_t direct_switches;  // ... of them, straight to the task a syscall woke
  uint8_t* tss;              // this core's TSS (gdt.cc): set_kernel_entry_stack writes rsp0
  // Frames of grant regions freed on this core, for the next region made here (region.cc,
  // frame_alloc), and how often one was there (hit) or not (miss).
  uint64_t frame_magazine[32];
  uint32_t frame_count;
  uint64_t frame_hits;
  uint64_t frame_misses;
};
static_assert(offsetof(Core, user_rsp) == 8 && offsetof(Core, frame_top) == 16 &&
                  offsetof(Core, kernel_stack_top) == 24 && offsetof(Core, index) == 32,
              "entry.S and lock.h know these offsets");
extern Core g_cores[arch::kMaxCores];
inline Core& this_core() {
  Core* core;
  __asm__("mov %%gs:0, %0" : "=r"(core));
  return *core;
}

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

// gdt.cc: GDT, one TSS per core, IDT.
void gdt_init(uint32_t core);                // builds the tables (core 0), loads them
void idt_init();                             // builds the IDT (core 0) and loads it
// This core's TSS.rsp0 (offset 4 of the packed TSS): where a ring-3 interrupt saves.
inline void set_kernel_entry_stack(uint64_t rsp0) {
  __builtin_memcpy(this_core().tss + 4, &rsp0, sizeof(rsp0));
}

// Interrupt vectors (trap.cc). 32-47: the 8259 PICs (IRQ 0 = PIT, the boot core only).
constexpr uint64_t kVectorWake = 48;      // IPI: a task became ready on an idle core
constexpr uint64_t kVectorTlb = 49;       // IPI: TLB shootdown (smp.cc)
constexpr uint64_t kVectorTimer = 50;     // the local APIC timer (cores other than 0)
constexpr uint64_t kVectorSpurious = 63;  // the local APIC's spurious vector
constexpr uint32_t kVectors = 64;

// smp.cc: cores, local APICs, IPIs.
void core_early_init(uint32_t index, uint64_t kernel_stack_top);  // GS base -> g_cores[index]
void smp_init();                  // finds the other cores (ACPI MADT) and starts them
uint32_t cores_online();
void lapic_eoi();
void send_ipi(uint32_t core, uint64_t vector);
constexpr uint32_t kLapicId = 0x20, kLapicTpr = 0x80, kLapicEoi = 0xB0, kLapicSvr = 0xF0,
                   kLapicIcrLow = 0x300, kLapicIcrHigh = 0x310, kLapicLvtTimer = 0x320,
                   kLapicLvtLint0 = 0x350, kLapicLvtLint1 = 0x360, kLapicLvtError = 0x370,
                   kLapicTimerInitial = 0x380, kLapicTimerCurrent = 0x390,
                   kLapicTimerDivide = 0x3E0;
uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t value);
void tlb_shootdown(uint32_t core);  // core's TLB forgets the user mappings; waits until it has
void syscall_init();              // this core's `syscall` MSRs (boot.cc)

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
// space_lookup (below, inline): the physical address of user `va` (present, user, and
// writable if `write`), or 0. space_lookup_walk: the same through the page tables, filling
// the cache. Callers hold the kernel lock, as for all of these.
uint64_t space_lookup_walk(uint64_t pml4, uint64_t va, bool write);

// DOC: x86-translation-cache
// Recent user translations (paging.cc fills and clears it): (page-table root, user page) ->
// the frame | kPageWrite if writable. An empty slot has pml4 0, which no task's root is, and
// only user pages are ever cached, so a hit needs no range check.
constexpr uint64_t kAddressMask = 0x000ffffffffff000ull;
struct Translation {
  uint64_t pml4;
  uint64_t va_page;
  uint64_t entry;
};
constexpr uint32_t kTranslationSlots = 64;
extern Translation g_translations[kTranslationSlots];
inline uint32_t translation_slot(uint64_t pml4, uint64_t va) {
  return static_cast<uint32_t>((va >> 12) ^ (pml4 >> 12)) & (kTranslationSlots - 1);
}
inline uint64_t space_lookup(uint64_t pml4, uint64_t va, bool write) {
  const Translation& t = g_translations[translation_slot(pml4, va)];
  if (t.pml4 == pml4 && t.va_page == (va & ~4095ull) && (!write || (t.entry & kPageWrite)))
    return (t.entry & kAddressMask) | (va & 4095);
  return space_lookup_walk(pml4, va, write);
}
// The copy fast path (paging.cc, copy_from_user and copy_to_user): the frame address of
// [va, va + len) when that range is non-empty, lies inside one page, and the cache holds the
// page (writable if `write`); else 0, and the caller takes the general path. No walk here.
inline uint64_t space_user_page_hit(uint64_t pml4, uint64_t va, uint64_t len, bool write) {
  if (len - 1 >= 4096 - (va & 4095)) return 0;  // empty (len - 1 wraps), or crosses a page
  const Translation& t = g_translations[translation_slot(pml4, va)];
  if (t.pml4 != pml4 || t.va_page != (va & ~4095ull) || (write && !(t.entry & kPageWrite)))
    return 0;
  return (t.entry & kAddressMask) | (va & 4095);
}
// memcpy for the kernel's copies, inline: eight bytes per `rep movsq` step, then the rest.
inline void copy_bytes(void* dst, const void* src, uint64_t n) {
  uint64_t words = n / 8, rest = n % 8;
  __asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(words) : : "memory");
  if (rest) __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(rest) : : "memory");
}
void space_unmap(uint64_t pml4, uint64_t va);  // clears the page's entry (and its TLB entry)

// timer.cc: PIT tick, TSC clock, deadlines.
void timer_init();
void timer_tick(bool from_user);      // the PIT (core 0): deadlines and the time slice
void timer_tick_local(bool from_user);  // the local APIC timer (other cores): the time slice
void lapic_timer_calibrate();
void lapic_timer_start();
void timer_new_slice();               // the task about to run starts a fresh time slice

// fpu.cc-ish (sched.cc): SSE on, per-task state.
void fpu_init();       // core 0: SSE on, and the initial state for new tasks
void fpu_init_core();  // other cores: SSE on
void fpu_state_init(arch::TaskContext* ctx);  // a new task: the FPU as after reset

// sched.cc: the run queue and the way back to user mode.
kernel::Kernel& the_kernel();            // made on first use (boot.cc, before any task)
extern kernel::Kernel* g_kernel;          // ... and from then on this (x86_syscall reads it)
arch::TaskContext* current();
void make_ready(arch::TaskContext* ctx);
[[noreturn]] void run_next();            // the current task is done for now: run another
[[noreturn]] void enter_user(arch::TaskContext* ctx);
[[noreturn]] void switch_to_woken(arch::TaskContext* ctx);  // direct switch: keeps the slice
bool preempt_pending();                  // another task is ready on this core
uint32_t place_task();                   // the core a new task lives on (least loaded)
void kill_current(int32_t code);         // a fault: the kernel forgets the task
void arch_task_kill(arch::TaskContext* ctx);  // hb_task_kill (arch::task_kill)
void unlink(arch::TaskContext* ctx);     // task_stop: off the run queue, out of the CPU

// loader.cc: built-in program images.
// *stack_top_page: the kernel's address of the stack's top page (for main's arguments).
int32_t load_image(const char* name, uint64_t pml4, uint64_t* entry, uint64_t* stack_top_page);

}  // namespace x86

// entry.S, boot.S
extern "C" {
extern uint64_t x86_kernel_stack_top;   // the boot core's kernel stack
void x86_syscall_entry();
[[noreturn]] void x86_iret_to(x86::TrapFrame* frame);
[[noreturn]] void x86_sysret_to(x86::TrapFrame* frame);
extern uint64_t x86_isr_table[x86::kVectors];
}
