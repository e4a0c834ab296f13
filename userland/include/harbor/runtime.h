/* harbor/runtime.h - start-up helpers for Harbor programs (hosted and bare metal).
 *
 * A task's start-up is itself an IPC (SPEC 3): whoever started it (its parent with
 * hb_task_spawn, or the emulator) queued a start message in its inbox before it ran. The
 * message's bytes are the arguments, each followed by a NUL; its handles are the task's
 * initial capabilities. A program typically begins:
 *
 *     int main(void) {
 *       hb_start_info start;
 *       if (hb_start_args(&start) != HB_OK) return 1;
 *       hb_handle_t out = start.handle_count ? start.handles[0] : HB_INVALID;
 *       ...
 *       hb_task_exit(0);
 *     }
 *
 * The arguments also arrive where a C programmer expects them: main(argc, argv) gets argv[0]
 * = the program's image and argv[1..] = the start message's arguments, on both targets
 * (hosted: the machine execs the program with them; bare metal: the loader puts them on the
 * stack). The start message itself stays queued for hb_start_args, which alone also sees
 * the handles. argv[0] is what the task was started from, so hb_task_spawn(argv[0], ...)
 * starts a copy of the program on both targets (tests/qemu/programs/main_args.c).
 *
 * Hosted: the runtime attaches to the syscall channel before main (a constructor), so a
 * program needs no special main. Returning from main ends the task with main's value as its
 * exit code, any int32_t, as hb_task_exit(code) does (hosted: runtime/hosted/exit.cc).
 */
#ifndef HARBOR_RUNTIME_H
#define HARBOR_RUNTIME_H

#include <harbor/sys.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HB_START_ARGS_MAX 256u /* arguments beyond this are not split out */

typedef struct hb_start_info {
  uint32_t argc;            /* number of arguments */
  const char *const *argv;  /* argc strings then NULL; valid until the task exits */
  uint32_t handle_count;    /* initial capabilities, in the order they were sent */
  hb_handle_t handles[HB_MSG_HANDLES_MAX];
  hb_task_id_t sender;      /* who started us: the parent task, or 0 (the emulator) */
} hb_start_info;

/* Receives the start message from HB_INBOX (once; later calls return the same result) and
 * splits its bytes into arguments. HB_ERR_WOULD_BLOCK if there was none. */
hb_status_t hb_start_args(hb_start_info *out);

/* hb_debug_write of a NUL-terminated string. */
hb_status_t hb_print(const char *text);

#ifdef __cplusplus
}
#endif

#endif /* HARBOR_RUNTIME_H */
