// arch/x86_64/timer.cc - time: the PIT interrupts core 0 1000 times a second (IRQ 0, vector
// 32), the TSC (calibrated against the PIT at boot) is the clock, and every other core has its
// local APIC timer interrupt it 1000 times a second too (vector 50, calibrated against the TSC).
//
// Each PIT tick (core 0): (1) if the kernel's earliest deadline (arch::timer_set) has passed,
// call Kernel::expire_deadlines, which resumes the tasks whose timeouts ran out, whatever
// their core (make_ready wakes that core with an IPI); (2) if the tick interrupted a task that
// has used its time slice while another is ready on this core, preempt it (round robin,
// sched.cc). A local APIC tick (other cores) only does (2): deadlines are core 0's job.
#include <arch/clock.h>
#include <arch/cpu.h>
#include <arch/task_hooks.h>

#include "x86.h"

namespace x86 {

namespace {

constexpr uint32_t kPitHz = 1193182;
constexpr uint32_t kTickHz = 1000;
constexpr uint32_t kDivisor = (kPitHz + kTickHz / 2) / kTickHz;  // 1193
constexpr uint32_t kSliceTicks = 10;                               // 10 ms time slice

volatile uint64_t g_ticks = 0;
uint64_t g_tsc_base = 0;
uint64_t g_ns_per_tsc_q32 = 0;  // nanoseconds per TSC tick, 32.32 fixed point
uint64_t g_deadline = UINT64_MAX;
uint32_t g_lapic_ticks_per_ms = 0;  // local APIC timer counts (divide by 16) per millisecond

void slice_tick() {
  Core& me = this_core();
  if (++me.slice_used >= kSliceTicks && preempt_pending()) {
    me.slice_used = 0;
    // DOC: x86-preempt
    make_ready(current());  // to the back of this core's run queue
    run_next();
  }
}

void pic_init() {
  // Remap the two 8259s to vectors 32..47 (away from the CPU's exceptions), mask all but IRQ 0.
  outb(0x20, 0x11);
  outb(0xA0, 0x11);
  outb(0x21, 32);
  outb(0xA1, 40);
  outb(0x21, 4);
  outb(0xA1, 2);
  outb(0x21, 1);
  outb(0xA1, 1);
  outb(0x21, 0xFE);
  outb(0xA1, 0xFF);
}

}  // namespace

void timer_init() {
  pic_init();
  outb(0x43, 0x34);  // channel 0, lobyte/hibyte, mode 2 (rate generator)
  outb(0x40, kDivisor & 0xff);
  outb(0x40, kDivisor >> 8);
  // Calibrate the TSC against the PIT. Not by counting tick interrupts: under QEMU on a busy
  // host a late tick is merged with the next one, so fewer are counted than time passed and
  // the TSC looked twice as fast as it is (4796 "MHz" on a 2 GHz host, every clock_ns then
  // half the truth). Instead PIT channel 2 counts down 10 ms by itself (its gate is bit 0
  // of port 0x61, its output, high at zero, bit 5); the TSC ticks over that window, the
  // fewest of five tries: a try during which the host did not run us only gets longer.
  constexpr uint32_t kWindowCount = kPitHz / 100;  // 10 ms of PIT counts (< 65536)
  uint64_t fewest = UINT64_MAX;
  uint64_t tsc0 = 0, tsc1 = 0;
  for (int attempt = 0; attempt < 5; ++attempt) {
    outb(0x61, static_cast<uint8_t>((inb(0x61) & ~0x02) | 0x01));  // gate on, speaker off
    outb(0x43, 0xB0);  // channel 2, lobyte/hibyte, mode 0: output high at terminal count
    outb(0x42, kWindowCount & 0xff);
    outb(0x42, static_cast<uint8_t>(kWindowCount >> 8));  // counting starts here
    uint64_t begin = rdtsc();
    while (!(inb(0x61) & 0x20)) {
    }
    uint64_t end = rdtsc();
    if (end - begin < fewest) {
      fewest = end - begin;
      tsc0 = begin;
      tsc1 = end;
    }
  }
  uint64_t elapsed_ns = static_cast<uint64_t>(kWindowCount) * 1000000000ull / kPitHz;
  g_ns_per_tsc_q32 = (elapsed_ns << 32) / (tsc1 - tsc0);
  g_tsc_base = tsc0;
  print("harbor: timer: PIT ");
  print_dec(kTickHz);
  print(" Hz, TSC ");
  print_dec(static_cast<int64_t>((tsc1 - tsc0) / (elapsed_ns / 1000)));
  print(" MHz\n");
}

void timer_tick(bool from_user) {
  g_ticks = g_ticks + 1;
  outb(0x20, 0x20);  // end of interrupt
  if (g_ns_per_tsc_q32 == 0) return;  // still calibrating
  uint64_t now = arch::clock_ns();
  if (now >= g_deadline) {
    kernel::Kernel& k = the_kernel();
    k.lock().lock();
    k.expire_deadlines(now);  // calls arch::timer_set with the next deadline
    k.lock().unlock();
  }
  if (from_user) slice_tick();
}

void timer_tick_local(bool from_user) {
  lapic_eoi();
  if (from_user) slice_tick();
}

void timer_new_slice() { this_core().slice_used = 0; }

// The local APIC timer of the core that calls it: periodic, 1000 Hz, vector kVectorTimer.
void lapic_timer_start() {
  lapic_write(kLapicTimerDivide, 0x3);  // divide by 16
  lapic_write(kLapicLvtTimer, kVectorTimer | (1u << 17));  // periodic
  lapic_write(kLapicTimerInitial, g_lapic_ticks_per_ms);
}

// Core 0, once (the cores are alike): how fast the local APIC timer counts, against the TSC.
void lapic_timer_calibrate() {
  lapic_write(kLapicTimerDivide, 0x3);
  lapic_write(kLapicLvtTimer, kVectorTimer | (1u << 16));  // masked, one shot
  lapic_write(kLapicTimerInitial, 0xFFFFFFFF);
  uint64_t t0 = arch::clock_ns();
  while (arch::clock_ns() - t0 < 10000000) __builtin_ia32_pause();
  uint32_t counted = 0xFFFFFFFF - lapic_read(kLapicTimerCurrent);
  lapic_write(kLapicTimerInitial, 0);  // stop
  g_lapic_ticks_per_ms = counted / 10 ? counted / 10 : 1;
}

}  // namespace x86

namespace arch {

uint64_t clock_ns() {
  uint64_t delta = x86::rdtsc() - x86::g_tsc_base;
  return static_cast<uint64_t>((static_cast<unsigned __int128>(delta) * x86::g_ns_per_tsc_q32) >> 32);
}

void timer_set(uint64_t deadline_ns) { x86::g_deadline = deadline_ns; }

}  // namespace arch
