// arch/console.h - the kernel console (x86-64: the COM1 serial port, arch/x86_64/serial.cc).
#pragma once

#include <cstdint>

namespace arch {
void console_write(const char* text, uint32_t len);
}  // namespace arch
