// arch/cpu.h - which (emulated) core is running kernel code now. Per-core state is indexed by it.
#pragma once

#include <cstdint>

namespace arch {
constexpr uint32_t kMaxCores = 64;
uint32_t current_core();  // always < kMaxCores
}  // namespace arch
