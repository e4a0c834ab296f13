// arch/cpu.h (x86-64) - which core is running kernel code now. Per-core state is indexed by it.
// Single core for now (arch/x86_64/README in docs/x86_64.md): always core 0. kMaxCores is
// small on purpose: the kernel keeps a trace ring per core (kernel/trace.h), and a ring for
// 64 cores would be ~10 MiB of .bss in a 128 MiB machine.
#pragma once

#include <cstdint>

namespace arch {
constexpr uint32_t kMaxCores = 4;
uint32_t current_core();  // always < kMaxCores
}  // namespace arch
