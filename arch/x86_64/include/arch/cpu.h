// arch/cpu.h (x86-64) - which core is running kernel code now. Per-core state is indexed by it.
// Every core of `-smp N` (up to kMaxCores) runs Harbor (arch/x86_64/smp.cc); the index is read
// from the core's own data through GS (x86::Core::index). kMaxCores is small on purpose: the
// kernel keeps a trace ring per core (kernel/trace.h), and a ring for 64 cores would be
// ~10 MiB of .bss in a 128 MiB machine.
#pragma once

#include <cstdint>

namespace arch {
constexpr uint32_t kMaxCores = 4;
// Always < kMaxCores. Inline, one load: the kernel asks on every per-core counter it bumps
// (kernel/kernel.h, Kernel::stats()). gs:32 is x86::Core::index (arch/x86_64/x86.h).
inline uint32_t current_core() {
  uint32_t index;
  __asm__("mov %%gs:32, %0" : "=r"(index));
  return index;
}
}  // namespace arch
