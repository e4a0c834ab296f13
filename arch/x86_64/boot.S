// arch/x86_64/boot.S - from the multiboot loader (32-bit protected mode) to kmain (long mode).
//
// QEMU's `-kernel` loads kernel.elf (ELF64 converted to elf32-i386, so the multiboot v1
// loader accepts it) at its physical addresses and jumps to _start32 with paging off,
// EAX = 0x2BADB002 and EBX = the multiboot information. The kernel is linked where it is
// loaded (1 MiB, linker.ld) and runs identity-mapped, so no address changes on the way:
//   1. identity-map the first 1 GiB with 2 MiB pages (boot_pml4 -> boot_pdpt -> boot_pd);
//   2. PAE on, CR3, EFER.LME (+ NXE when the CPU has it, + SCE for `syscall`), paging on;
//   3. a far jump into a 64-bit code segment; load data segments and the kernel stack;
//   4. kmain(magic, info) (boot.cc).
// boot_pd stays the kernel's page directory for ever: every task's page tables point at it
// (paging.cc), without the user bit, so ring 3 can never touch the kernel.
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* modules page-aligned, memory map wanted */

.section .multiboot, "a"
.balign 4
.long MB_MAGIC
.long MB_FLAGS
.long -(MB_MAGIC + MB_FLAGS)

.section .boot, "ax"
.code32
.global _start32
_start32:
  cli
  mov %eax, %esi
  // 0. zero .bss (the loader should have; page tables must not start with garbage)
  mov $bss_start, %edi
  mov $kernel_end, %ecx
  sub %edi, %ecx
  xor %eax, %eax
  cld
  rep stosb
  mov $boot_stack_top, %esp
  mov %esi, boot_magic
  mov %ebx, boot_info

  // 1. page tables: PML4[0] -> PDPT, PDPT[0] -> PD, PD[i] = i * 2 MiB (present|write|huge)
  mov $boot_pdpt, %eax
  or $3, %eax
  mov %eax, boot_pml4
  mov $boot_pd, %eax
  or $3, %eax
  mov %eax, boot_pdpt
  xor %ecx, %ecx
1:
  mov %ecx, %eax
  shl $21, %eax
  or $0x83, %eax
  mov %eax, boot_pd(,%ecx,8)
  movl $0, boot_pd+4(,%ecx,8)
  inc %ecx
  cmp $512, %ecx
  jne 1b

  // 2. PAE, CR3, EFER, paging (with write-protect: the kernel honours read-only pages too)
  mov %cr4, %eax
  or $0x20, %eax
  mov %eax, %cr4
  mov $boot_pml4, %eax
  mov %eax, %cr3
  mov $0x80000001, %eax
  cpuid
  xor %ebx, %ebx
  bt $20, %edx            // NX supported?
  jnc 2f
  mov $0x800, %ebx        // EFER.NXE
2:
  mov $0xC0000080, %ecx
  rdmsr
  or $0x101, %eax         // EFER.LME | EFER.SCE
  or %ebx, %eax
  wrmsr
  mov %cr0, %eax
  or $0x80010001, %eax    // PG | WP | PE
  mov %eax, %cr0

  // 3. into 64-bit code
  lgdt boot_gdt_pointer
  ljmp $0x08, $long_mode

.code64
long_mode:
  mov $0x10, %ax
  mov %ax, %ds
  mov %ax, %es
  mov %ax, %ss
  xor %ax, %ax
  mov %ax, %fs
  mov %ax, %gs
  mov x86_kernel_stack_top(%rip), %rsp
  xor %ebp, %ebp
  // 4. kmain(magic, info)
  mov boot_magic(%rip), %edi
  mov boot_info(%rip), %esi
  call kmain
3:
  cli
  hlt
  jmp 3b

.section .rodata
.balign 16
boot_gdt:
  .quad 0
  .quad 0x00209A0000000000  // 0x08: 64-bit kernel code
  .quad 0x0000920000000000  // 0x10: kernel data
boot_gdt_pointer:
  .word boot_gdt_pointer - boot_gdt - 1
  .long boot_gdt

.section .data
.balign 8
.global x86_kernel_stack_top
x86_kernel_stack_top: .quad kernel_stack + 65536
boot_magic: .long 0
boot_info: .long 0

.section .bss
.balign 4096
.global boot_pml4
boot_pml4: .skip 4096
boot_pdpt: .skip 4096
.global boot_pd
boot_pd: .skip 4096
boot_stack: .skip 4096
boot_stack_top:
.global kernel_stack
kernel_stack: .skip 65536
