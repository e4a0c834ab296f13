// arch/x86_64/boot.cc - kmain: from boot.S to the first task.
//
//   1. serial console, check that a multiboot loader started us, keep the command line
//   2. C++ global constructors (.init_array)
//   3. GDT + TSS, IDT, SSE on, physical memory and heap
//   4. `syscall`: STAR (segments), LSTAR (entry.S x86_syscall_entry), SFMASK (IF off)
//   5. the PIT timer, TSC calibration
//   6. the other cores (smp.cc): local APICs, the MADT, INIT-SIPI-SIPI
//   7. the portable kernel; "init" becomes the root task, its start message the words of
//      the command line (QEMU -append "..."); then run it. init's exit code is the verdict.
#include <arch/panic.h>
#include <arch/task_hooks.h>
#include <kernel/task.h>

#include "x86.h"

extern "C" void (*init_array_start[])();
extern "C" void (*init_array_end[])();

namespace {

constexpr uint32_t kMultibootMagic = 0x2BADB002;
constexpr uint32_t kMsrStar = 0xC0000081, kMsrLstar = 0xC0000082, kMsrSfmask = 0xC0000084;

char g_cmdline[1024];

}  // namespace

void x86::syscall_init() {
  x86::wrmsr(kMsrStar, (static_cast<uint64_t>(x86::kKernelData) << 48) |
                           (static_cast<uint64_t>(x86::kKernelCode) << 32));
  x86::wrmsr(kMsrLstar, reinterpret_cast<uint64_t>(&x86_syscall_entry));
  // Cleared in RFLAGS on entry: TF, IF (the kernel runs with interrupts off), DF, AC, NT.
  x86::wrmsr(kMsrSfmask, 0x47700);
}

namespace {

// The start message for init: the words of the command line after the kernel's own name
// (QEMU passes "<kernel file> <-append text>"), each followed by a NUL (harbor/runtime.h).
uint32_t start_message(char* out, uint32_t cap) {
  const char* p = g_cmdline;
  while (*p && *p != ' ') ++p;  // skip the kernel's file name
  uint32_t len = 0;
  while (*p) {
    while (*p == ' ') ++p;
    if (!*p) break;
    while (*p && *p != ' ' && len + 1 < cap) out[len++] = *p++;
    out[len++] = '\0';
  }
  return len;
}

// The name service (SPEC 7; kernel/kernel.h "name-service-bootstrap"): the image called
// "names" (userland/programs/names.c), when the boot image has one, runs as the system task
// on the receive right of a port that every later task reaches as HB_NAME_SERVICE. Kernel
// lock held.
void start_name_server(kernel::Kernel& k) {
  kernel::Capability recv, send;
  if (!k.make_port(HB_PORT_BOUNDED, 64, 0, &recv, &send).ok()) return;
  kernel::Result<kernel::Task*> names = k.spawn_system("names", recv);
  if (!names.ok()) {  // no such image: a machine without a name service
    if (!recv.empty()) kernel::capability_drop(recv);
    kernel::capability_drop(send);
    return;
  }
  x86::print("harbor: name service started\n");
  k.set_name_service(send);
}

}  // namespace

extern "C" [[noreturn]] void kmain(uint32_t magic, uint32_t info) {
  x86::core_early_init(0, x86_kernel_stack_top);  // GS: this core's data (before any lock)
  x86::serial_init();
  x86::print("\nharbor: x86-64 kernel booting\n");
  if (magic != kMultibootMagic) arch::panic("not started by a multiboot loader");
  uint32_t flags = *reinterpret_cast<volatile uint32_t*>(static_cast<uint64_t>(info));
  if (flags & (1u << 2)) {
    const char* cmdline = reinterpret_cast<const char*>(
        static_cast<uint64_t>(*reinterpret_cast<volatile uint32_t*>(static_cast<uint64_t>(info) + 16)));
    uint32_t i = 0;
    for (; cmdline[i] && i + 1 < sizeof(g_cmdline); ++i) g_cmdline[i] = cmdline[i];
    g_cmdline[i] = '\0';
  }
  for (auto** ctor = init_array_start; ctor != init_array_end; ++ctor) (*ctor)();

  x86::gdt_init(0);
  x86::idt_init();
  x86::fpu_init();
  x86::memory_init(info);
  x86::syscall_init();
  x86::timer_init();
  x86::smp_init();

  kernel::Kernel& k = x86::the_kernel();
  // The whole-kernel side of the kernel lock takes one lock per core that runs (no core is
  // in the kernel yet). Every x86-64 entry takes the whole kernel (kernel/kernel_lock.h).
  k.lock().set_cores(x86::cores_online());
  static char args[1024];
  uint32_t len = start_message(args, sizeof(args));
  x86::print("harbor: starting init");
  if (len) {
    x86::print(" with \"");
    for (uint32_t i = 0; i < len; ++i) {
      char c[2] = {args[i] ? args[i] : ' ', 0};
      x86::print(c);
    }
    x86::print("\"");
  }
  x86::print("\n");
  k.lock().lock();
  start_name_server(k);
  kernel::Result<kernel::Task*> init = k.spawn_root("init", args, len);
  k.lock().unlock();
  if (!init.ok()) arch::panic("cannot start init (is an image called \"init\" built in?)");
  init.value()->context()->root = true;
  x86::run_next();
}
