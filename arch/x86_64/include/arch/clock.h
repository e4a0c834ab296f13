// arch/clock.h - monotonic time in nanoseconds. Deadlines of blocked tasks are in this clock.
#pragma once

#include <cstdint>

namespace arch {
uint64_t clock_ns();
}  // namespace arch
