// userland/runtime/x86_64/start.S - where a Harbor task begins on x86-64.
//
// The kernel (arch/x86_64/loader.cc) enters here in ring 3 with RSP at the top of a fresh
// stack, RDI and RSI main's argc and argv, every other register zero. C++ static constructors
// run first (init_array.cc).
// The start message is already queued in HB_INBOX; main() receives it when it wants
// (hb_recv or hb_start_args). main's argc and argv are the image's name and the start
// message's arguments, which the loader put at the top of the stack (RDI = argc, RSI = argv:
// arch/x86_64/loader.cc, place_arguments), as hosted. Returning from main runs the static destructors
// (init_array.cc) and ends the task with main's value as its exit code.
.intel_syntax noprefix
.section .text._start, "ax"
.global _start
_start:
  xor ebp, ebp            // the end of the frame-pointer chain, for gdb
  and rsp, -16            // the ABI: 16-byte aligned at a call
  mov r12, rdi            // argc and argv from the loader (callee-saved across the call)
  mov r13, rsi
  call harbor_run_init_array  // C++ static constructors (init_array.cc)
  mov rdi, r12            // main(argc, argv)
  mov rsi, r13
  call main
  mov ebx, eax            // main's value (RBX survives calls)
  call harbor_run_fini_array  // C++ static destructors, .fini_array (init_array.cc)
  mov edi, ebx
  call hb_task_exit       // never returns
  ud2
