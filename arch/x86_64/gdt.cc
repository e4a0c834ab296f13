// arch/x86_64/gdt.cc - the descriptor tables: GDT (segments for ring 0 and ring 3, one TSS
// descriptor per core), TSS per core (the stack a ring-3 interrupt lands on, and separate
// stacks for faults that must work even when the kernel stack is broken), IDT (shared by all
// cores: vectors 0-31 exceptions, 32-47 the PIC's IRQs, 48-63 the local APIC's, x86.h).
#include "x86.h"

namespace x86 {

namespace {

struct __attribute__((packed)) Tss {
  uint32_t reserved0;
  uint64_t rsp[3];
  uint64_t reserved1;
  uint64_t ist[7];
  uint64_t reserved2;
  uint16_t reserved3;
  uint16_t iomap_base;
};

struct __attribute__((packed)) TablePointer {
  uint16_t limit;
  uint64_t base;
};

struct IdtEntry {
  uint16_t offset_low;
  uint16_t selector;
  uint8_t ist;
  uint8_t type;  // 0x8E: present, DPL 0, 64-bit interrupt gate (IF cleared on entry)
  uint16_t offset_mid;
  uint32_t offset_high;
  uint32_t reserved;
};

constexpr uint32_t kIstStackSize = 8192;
constexpr uint32_t kCores = arch::kMaxCores;
alignas(16) uint8_t g_ist_stacks[kCores][3][kIstStackSize];
Tss g_tss[kCores];
uint64_t g_gdt[5 + 2 * kCores];  // null, 4 segments, then a 16-byte TSS descriptor per core
IdtEntry g_idt[kVectors];

constexpr uint16_t tss_selector(uint32_t core) { return static_cast<uint16_t>(kTss + 16 * core); }

}  // namespace

void gdt_init(uint32_t core) {
  if (core == 0) {
    g_gdt[0] = 0;
    g_gdt[1] = 0x00209A0000000000;  // 0x08 kernel code: 64-bit, DPL 0
    g_gdt[2] = 0x0000920000000000;  // 0x10 kernel data
    g_gdt[3] = 0x0000F20000000000;  // 0x18 user data: DPL 3
    g_gdt[4] = 0x0020FA0000000000;  // 0x20 user code: 64-bit, DPL 3
    for (uint32_t c = 0; c < kCores; ++c) {  // 0x28 + 16 c: core c's TSS (`ltr` marks it busy)
      uint64_t base = reinterpret_cast<uint64_t>(&g_tss[c]);
      uint64_t limit = sizeof(Tss) - 1;
      g_gdt[5 + 2 * c] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
                         (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
      g_gdt[6 + 2 * c] = base >> 32;
    }
  }
  Tss& tss = g_tss[core];
  g_cores[core].tss = reinterpret_cast<uint8_t*>(&tss);
  static_assert(offsetof(Tss, rsp) == 4, "x86.h set_kernel_entry_stack writes rsp0 there");
  for (int i = 0; i < 3; ++i)
    tss.ist[i] = reinterpret_cast<uint64_t>(g_ist_stacks[core][i]) + kIstStackSize;
  tss.iomap_base = sizeof(Tss);  // no I/O bitmap: `in`/`out` in ring 3 is #GP

  TablePointer pointer{sizeof(g_gdt) - 1, reinterpret_cast<uint64_t>(g_gdt)};
  __asm__ volatile(
      "lgdt %0\n"
      "mov %1, %%ds\n mov %1, %%es\n mov %1, %%ss\n"
      "pushq %2\n lea 1f(%%rip), %%rax\n pushq %%rax\n lretq\n 1:\n"
      "ltr %w3\n" ::"m"(pointer),
      "r"(static_cast<uint64_t>(kKernelData)), "i"(kKernelCode),
      "r"(static_cast<uint64_t>(tss_selector(core)))
      : "rax", "memory");
}


void idt_init() {
  TablePointer pointer{sizeof(g_idt) - 1, reinterpret_cast<uint64_t>(g_idt)};
  if (this_core().index != 0) {  // built by core 0; the others only load it
    __asm__ volatile("lidt %0" ::"m"(pointer));
    return;
  }
  for (uint32_t v = 0; v < kVectors; ++v) {
    uint64_t handler = x86_isr_table[v];
    IdtEntry& e = g_idt[v];
    e.offset_low = handler & 0xffff;
    e.selector = kKernelCode;
    // A double fault, an NMI and a machine check each get a stack of their own (IST 1-3).
    e.ist = v == 8 ? 1 : v == 2 ? 2 : v == 18 ? 3 : 0;
    e.type = 0x8E;
    e.offset_mid = (handler >> 16) & 0xffff;
    e.offset_high = static_cast<uint32_t>(handler >> 32);
  }
  __asm__ volatile("lidt %0" ::"m"(pointer));
}

}  // namespace x86
