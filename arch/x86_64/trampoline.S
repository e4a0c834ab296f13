// arch/x86_64/trampoline.S - where a second core starts: 16-bit real mode to long mode.
//
// DOC: x86-ap-trampoline
// A core other than the boot core (an "AP") starts, after the boot core sends it INIT and
// two STARTUP IPIs (smp.cc, start_core), in real mode at address vector * 4096, with
// CS = vector * 256 and IP = 0. That must be below 1 MiB, and the kernel lives at 1 MiB, so
// smp.cc copies the bytes between ap_trampoline and ap_trampoline_end to kTrampoline (0x8000,
// STARTUP vector 8) first. The code is assembled for that address: T(x) is where label x
// ends up. Then, as boot.S did for the boot core, but onto the page tables the kernel already
// has (boot_pml4, the same kernel mappings every address space shares):
//   1. real mode -> 32-bit protected mode (a GDT of its own, inside the copied bytes);
//   2. PAE, CR3 = boot_pml4, EFER as the boot core has it (LME, SCE, NXE), paging + WP on:
//      long mode, still in 32-bit compatibility code;
//   3. far jump to a 64-bit segment: ap_long_mode, in the kernel proper (above 1 MiB);
//   4. the core's kernel stack (smp.cc set x86_ap_stack_top) and ap_main(), which loads the
//      kernel's own GDT, IDT, TSS, GS, and goes idle waiting for tasks.
#define TRAMPOLINE 0x8000
#define T(x) ((x) - ap_trampoline + TRAMPOLINE)

.section .rodata
.balign 16
.global ap_trampoline
.global ap_trampoline_end
.code16
ap_trampoline:
  cli
  cld
  xor %ax, %ax
  mov %ax, %ds
  // 1. protected mode
  lgdtl T(trampoline_gdt_pointer)
  mov %cr0, %eax
  or $1, %eax
  mov %eax, %cr0
  ljmpl $0x08, $T(trampoline32)

.code32
trampoline32:
  mov $0x10, %ax
  mov %ax, %ds
  mov %ax, %es
  mov %ax, %ss
  // 2. long mode on the kernel's page tables
  mov %cr4, %eax
  or $0x20, %eax          // PAE
  mov %eax, %cr4
  mov $boot_pml4, %eax
  mov %eax, %cr3
  mov $0xC0000080, %ecx   // EFER
  mov x86_ap_efer, %eax
  xor %edx, %edx
  wrmsr
  mov %cr0, %eax
  or $0x80010001, %eax    // PG | WP | PE
  mov %eax, %cr0
  // 3. 64-bit code
  ljmp $0x18, $ap_long_mode

.balign 8
trampoline_gdt:
  .quad 0
  .quad 0x00CF9A000000FFFF  // 0x08: 32-bit code, 4 GiB
  .quad 0x00CF92000000FFFF  // 0x10: data, 4 GiB
  .quad 0x00209A0000000000  // 0x18: 64-bit code
trampoline_gdt_pointer:
  .word trampoline_gdt_pointer - trampoline_gdt - 1
  .long T(trampoline_gdt)
ap_trampoline_end:

.section .text
.code64
ap_long_mode:
  mov $0x10, %ax
  mov %ax, %ds
  mov %ax, %es
  mov %ax, %ss
  xor %ax, %ax
  mov %ax, %fs
  mov %ax, %gs
  // 4. this core's kernel stack, then C++
  mov x86_ap_stack_top(%rip), %rsp
  xor %ebp, %ebp
  call ap_main
1:
  cli
  hlt
  jmp 1b

.section .data
.balign 8
.global x86_ap_stack_top
.global x86_ap_efer
x86_ap_stack_top: .quad 0
x86_ap_efer: .long 0
