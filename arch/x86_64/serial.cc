// arch/x86_64/serial.cc - the console (COM1, 16550 UART at 0x3f8), panic, and the verdict
// port (QEMU's isa-debug-exit at 0xf4: writing v makes QEMU exit with (v << 1) | 1, so no
// verdict is ever exit code 0, which is what a triple fault with -no-reboot gives).
#include <arch/console.h>
#include <arch/panic.h>

#include "x86.h"

namespace x86 {

namespace {
constexpr uint16_t kCom1 = 0x3f8;
constexpr uint16_t kDebugExit = 0xf4;

void put(char c) {
  while (!(inb(kCom1 + 5) & 0x20)) {  // transmit holding register empty
  }
  outb(kCom1, static_cast<uint8_t>(c));
}
}  // namespace

void serial_init() {
  outb(kCom1 + 1, 0x00);  // no interrupts: the kernel polls
  outb(kCom1 + 3, 0x80);  // DLAB on
  outb(kCom1 + 0, 0x01);  // 115200 baud
  outb(kCom1 + 1, 0x00);
  outb(kCom1 + 3, 0x03);  // 8N1, DLAB off
  outb(kCom1 + 2, 0xC7);  // FIFO on, cleared
  outb(kCom1 + 4, 0x03);  // DTR, RTS
}

void print(const char* text) {
  while (*text) {
    if (*text == '\n') put('\r');
    put(*text++);
  }
}

void print_hex(uint64_t v) {
  char buffer[19] = "0x";
  for (int i = 0; i < 16; ++i) buffer[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
  buffer[18] = '\0';
  print(buffer);
}

void print_dec(int64_t v) {
  char buffer[24];
  int at = 23;
  buffer[at] = '\0';
  uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  do {
    buffer[--at] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0) buffer[--at] = '-';
  print(buffer + at);
}

[[noreturn]] void exit_qemu(Verdict v) {
  outl(kDebugExit, static_cast<uint8_t>(v));
  // Still here: no isa-debug-exit device. Say so and stop.
  print("harbor: no isa-debug-exit device (-device isa-debug-exit,iobase=0xf4,iosize=0x04); halted\n");
  halt_forever();
}

}  // namespace x86

namespace arch {

void console_write(const char* text, uint32_t len) {
  for (uint32_t i = 0; i < len; ++i) {
    if (text[i] == '\n') x86::put('\r');
    x86::put(text[i]);
  }
}

[[noreturn]] void panic(const char* message) {
  __asm__ volatile("cli");
  x86::print("\nharbor: KERNEL PANIC: ");
  x86::print(message);
  x86::print("\n");
  x86::exit_qemu(x86::Verdict::Panic);
}

}  // namespace arch
