// arch/panic.h (kmem_bench harness).
#pragma once

namespace arch {
[[noreturn]] void panic(const char* message);
}  // namespace arch
