// arch/panic.h - stop the kernel with a message: a kernel bug, never a user error.
#pragma once

namespace arch {
[[noreturn]] void panic(const char* message);
}  // namespace arch
