// arch/x86_64/smp.cc - every core of `-smp N`: finding them, starting them, talking to them.
//
// DOC: x86-smp
//   1. The boot core maps its local APIC (the per-core interrupt controller, 4 KiB of MMIO at
//      0xFEE00000) into the kernel's page directory at 1 GiB - 2 MiB (supervisor only, in
//      every address space, like the rest of the kernel), enables it, and measures its timer.
//   2. ACPI's MADT (find_core_apic_ids) lists the cores' local APIC ids; BIOSes put the RSDP
//      that leads to it in the EBDA or in 0xE0000-0xFFFFF.
//   3. For each other core (up to arch::kMaxCores): copy the real-mode trampoline
//      (trampoline.S) below 1 MiB, give the core a kernel stack, send INIT, wait 10 ms, send
//      STARTUP twice (200 us apart) with the trampoline's page number, wait until ap_main
//      says the core is online. One core at a time, so they can share the one stack variable.
//   4. ap_main, on the new core: GS -> its x86::Core, the kernel's GDT with its own TSS, the
//      IDT, SSE, `syscall` MSRs, its local APIC and timer; then it idles until tasks are
//      placed on it (sched.cc, place_task).
//
// IPIs: a wake-up (kVectorWake) when a task becomes ready on an idle core (sched.cc), and a
// TLB shootdown (kVectorTlb) when page-table entries another core may have cached were
// removed (region.cc). The shootdown waits for the other core's answer while holding the
// kernel lock; that core may itself be spinning on that lock with interrupts off, which is why
// arch::Lock's spin loop calls x86_poll_cross_core_work (lock.h).
#include <arch/clock.h>
#include <arch/cpu.h>
#include <arch/panic.h>

#include <cstring>

#include "x86.h"

extern "C" uint8_t ap_trampoline[];
extern "C" uint8_t ap_trampoline_end[];
extern "C" uint64_t x86_ap_stack_top;
extern "C" uint32_t x86_ap_efer;
extern "C" uint64_t boot_pd[512];

namespace x86 {

Core g_cores[arch::kMaxCores];

namespace {

constexpr uint64_t kTrampoline = 0x8000;                         // STARTUP vector 8
constexpr uint64_t kLapicVirtual = (1ull << 30) - (2ull << 20);  // memory.cc leaves it out
constexpr uint32_t kMsrApicBase = 0x1B, kMsrEfer = 0xC0000080, kMsrGsBase = 0xC0000101,
                   kMsrKernelGsBase = 0xC0000102;
constexpr uint64_t kKernelStackSize = 65536;

alignas(16) uint8_t g_ap_stacks[arch::kMaxCores - 1][kKernelStackSize];
volatile uint8_t* g_lapic = nullptr;
uint32_t g_online = 1;
uint32_t g_ap_booting = 0;  // the index of the core ap_main is starting

// A pointer to a fixed low physical address, hidden from GCC (which assumes that nothing
// lives in the first 4 KiB and warns about reading it).
template <typename T>
const T* at_physical(uint64_t address) {
  __asm__("" : "+r"(address));
  return reinterpret_cast<const T*>(address);
}

void spin_ns(uint64_t ns) {
  uint64_t t0 = arch::clock_ns();
  while (arch::clock_ns() - t0 < ns) __builtin_ia32_pause();
}

const uint8_t* scan_rsdp(uint64_t from, uint64_t to) {
  for (uint64_t a = from; a + 20 <= to; a += 16) {
    const uint8_t* p = at_physical<uint8_t>(a);
    if (std::memcmp(p, "RSD PTR ", 8) != 0) continue;
    uint8_t sum = 0;
    for (int i = 0; i < 20; ++i) sum = static_cast<uint8_t>(sum + p[i]);
    if (sum == 0) return p;
  }
  return nullptr;
}

uint32_t read_u32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// The enabled cores' local APIC ids from the ACPI MADT ("APIC" table), in its order.
uint32_t find_core_apic_ids(uint32_t* ids, uint32_t max) {
  uint64_t ebda = static_cast<uint64_t>(*at_physical<uint16_t>(0x40E)) << 4;
  const uint8_t* rsdp = ebda >= 0x80000 && ebda < 0xA0000 ? scan_rsdp(ebda, ebda + 1024) : nullptr;
  if (!rsdp) rsdp = scan_rsdp(0xE0000, 0x100000);
  if (!rsdp) return 0;
  const uint8_t* rsdt = at_physical<uint8_t>(read_u32(rsdp + 16));
  if (std::memcmp(rsdt, "RSDT", 4) != 0) return 0;
  uint32_t count = 0;
  for (uint32_t at = 36; at + 4 <= read_u32(rsdt + 4); at += 4) {
    const uint8_t* table = at_physical<uint8_t>(read_u32(rsdt + at));
    if (std::memcmp(table, "APIC", 4) != 0) continue;
    uint32_t length = read_u32(table + 4);
    for (uint32_t e = 44; e + 2 <= length && table[e + 1] >= 2; e += table[e + 1]) {
      // Entry type 0: a processor's local APIC: ACPI id, APIC id, flags (bit 0: enabled).
      if (table[e] == 0 && table[e + 1] >= 8 && (read_u32(table + e + 4) & 1) && count < max)
        ids[count++] = table[e + 3];
    }
  }
  return count;
}

void lapic_map() {
  uint64_t base = rdmsr(kMsrApicBase) & 0x000FFFFFFFFFF000ull;
  // Present, writable, uncached (PWT | PCD), a 2 MiB page; no user bit.
  boot_pd[511] = (base & ~((2ull << 20) - 1)) | 0x9B;
  __asm__ volatile("invlpg (%0)" ::"r"(kLapicVirtual) : "memory");
  g_lapic = reinterpret_cast<volatile uint8_t*>(kLapicVirtual + (base & ((2ull << 20) - 1)));
}

void lapic_init(bool boot_core) {
  lapic_write(kLapicTpr, 0);                                 // accept every priority
  lapic_write(kLapicLvtLint0, boot_core ? 0x700 : 0x10000);  // the PIC's INTR (ExtINT), core 0
  lapic_write(kLapicLvtLint1, 0x400);                        // NMI
  lapic_write(kLapicLvtError, 0x10000);                      // masked
  lapic_write(kLapicSvr, 0x100 | kVectorSpurious);           // software enable
}

void send_icr(uint32_t apic_id, uint32_t low) {
  while (lapic_read(kLapicIcrLow) & (1u << 12)) __builtin_ia32_pause();  // previous one sent
  lapic_write(kLapicIcrHigh, apic_id << 24);
  lapic_write(kLapicIcrLow, low);
}

bool start_core(uint32_t index, uint32_t apic_id) {
  Core& core = g_cores[index];
  core.index = index;
  core.apic_id = apic_id;
  core.kernel_stack_top = reinterpret_cast<uint64_t>(g_ap_stacks[index - 1]) + kKernelStackSize;
  x86_ap_stack_top = core.kernel_stack_top;
  __atomic_store_n(&g_ap_booting, index, __ATOMIC_RELEASE);
  send_icr(apic_id, 0x4500);  // INIT, level assert
  spin_ns(10'000'000);
  for (int i = 0; i < 2; ++i) {
    send_icr(apic_id, 0x4600 | static_cast<uint32_t>(kTrampoline >> 12));  // STARTUP
    spin_ns(200'000);
  }
  uint64_t t0 = arch::clock_ns();
  while (!__atomic_load_n(&core.online, __ATOMIC_ACQUIRE))
    if (arch::clock_ns() - t0 > 1'000'000'000) return false;
  return true;
}

}  // namespace

uint32_t lapic_read(uint32_t reg) { return *reinterpret_cast<volatile uint32_t*>(g_lapic + reg); }
void lapic_write(uint32_t reg, uint32_t value) {
  *reinterpret_cast<volatile uint32_t*>(g_lapic + reg) = value;
}
void lapic_eoi() { lapic_write(kLapicEoi, 0); }

void core_early_init(uint32_t index, uint64_t kernel_stack_top) {
  Core& core = g_cores[index];
  core.self = &core;
  core.index = index;
  core.kernel_stack_top = kernel_stack_top;
  wrmsr(kMsrGsBase, reinterpret_cast<uint64_t>(&core));  // the kernel's GS ...
  wrmsr(kMsrKernelGsBase, 0);                            // ... and ring 3's, until swapgs
}

uint32_t cores_online() { return g_online; }

void send_ipi(uint32_t core, uint64_t vector) {
  send_icr(g_cores[core].apic_id, static_cast<uint32_t>(vector) | (1u << 14));  // fixed, assert
}

void tlb_shootdown(uint32_t core) {
  Core& target = g_cores[core];
  if (&target == &this_core() || !target.online) return;  // our own: invlpg did it
  __atomic_store_n(&target.tlb_flush_pending, 1u, __ATOMIC_RELEASE);
  send_ipi(core, kVectorTlb);
  while (__atomic_load_n(&target.tlb_flush_pending, __ATOMIC_ACQUIRE)) {
    __builtin_ia32_pause();
    x86_poll_cross_core_work();
  }
}

void smp_init() {
  lapic_map();
  lapic_init(true);
  Core& boot = g_cores[0];
  boot.apic_id = lapic_read(kLapicId) >> 24;
  boot.online = true;
  lapic_timer_calibrate();

  uint32_t ids[16];
  uint32_t found = find_core_apic_ids(ids, 16);
  x86_ap_efer = static_cast<uint32_t>(rdmsr(kMsrEfer) & 0x901);  // SCE, LME, NXE
  std::memcpy(reinterpret_cast<void*>(kTrampoline), ap_trampoline,
              static_cast<size_t>(ap_trampoline_end - ap_trampoline));
  for (uint32_t i = 0; i < found; ++i) {
    if (ids[i] == boot.apic_id) continue;
    if (g_online == arch::kMaxCores) {
      print("harbor: smp: more cores than arch::kMaxCores; the rest stay off\n");
      break;
    }
    if (!start_core(g_online, ids[i])) {
      // It may still start later, on the stack variables the next one would use: start no
      // more.
      print("harbor: smp: a core did not start within 1 s; the rest stay off\n");
      break;
    }
    ++g_online;
  }
  print("harbor: smp: ");
  print_dec(g_online);
  print(g_online == 1 ? " core online\n" : " cores online\n");
}

}  // namespace x86

// The other core's first C++: step 4 at the top of this file.
extern "C" [[noreturn]] void ap_main() {
  uint32_t index = __atomic_load_n(&x86::g_ap_booting, __ATOMIC_ACQUIRE);
  x86::Core& core = x86::g_cores[index];
  x86::core_early_init(index, core.kernel_stack_top);
  x86::gdt_init(index);
  x86::idt_init();
  x86::fpu_init_core();
  x86::syscall_init();
  x86::lapic_init(false);
  x86::lapic_timer_start();
  x86::print("harbor: smp: core ");
  x86::print_dec(index);
  x86::print(" online (APIC id ");
  x86::print_dec(core.apic_id);
  x86::print(")\n");
  __atomic_store_n(&core.online, true, __ATOMIC_RELEASE);
  x86::run_next();  // nothing is placed here yet: idle until a task is
}

// DOC: x86-tlb-shootdown
// Work another core asked this one to do (tlb_shootdown): reload CR3, which drops every
// user translation (Harbor uses no global pages), and say so.
extern "C" void x86_poll_cross_core_work() {
  x86::Core& me = x86::this_core();
  if (!__atomic_load_n(&me.tlb_flush_pending, __ATOMIC_ACQUIRE)) return;
  x86::write_cr3(x86::read_cr3());
  __atomic_store_n(&me.tlb_flush_pending, 0u, __ATOMIC_RELEASE);
}
