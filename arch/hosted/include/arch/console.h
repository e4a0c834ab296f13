// arch/console.h - the kernel console (hosted: the emulator's stdout; x86-64: the serial port).
#pragma once

#include <cstdint>

namespace arch {
void console_write(const char* text, uint32_t len);
}  // namespace arch
