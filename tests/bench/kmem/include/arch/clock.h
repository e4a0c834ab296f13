// arch/clock.h (kmem_bench harness).
#pragma once

#include <cstdint>

namespace arch {
uint64_t clock_ns();
}  // namespace arch
