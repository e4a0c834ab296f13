// arch/cpu.h (kmem_bench harness) - the core is whatever the calling thread says it is
// (kmem_harness.h: set_current_core), as the hosted machine's serving threads do (t_cpu.core).
#pragma once

#include <cstdint>

namespace arch {
constexpr uint32_t kMaxCores = 64;
uint32_t current_core();  // always < kMaxCores
}  // namespace arch
