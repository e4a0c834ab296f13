/* spawner - starts COUNT children from a program image and waits for each.
 *
 *   start message: args  IMAGE [COUNT]   (hosted: IMAGE is an executable path; default 2)
 *
 * A task's start-up is itself an IPC: hb_task_spawn queues a start message in the child's
 * inbox (its bytes are the child's arguments) before the child runs. Only the parent may
 * hb_task_wait for a child. Exits with the sum of the children's exit codes.
 *
 *   harbor-emu exec spawner "$PWD/build/dev/emulator/examples/hello" 3
 */
#include "example.h"

#include <string.h>

int main(void) {
  hb_start_info start = start_or_exit("spawner", 0);
  if (start.argc < 1) {
    say("usage: spawner IMAGE [COUNT]");
    return 2;
  }
  const char *image = start.argv[0];
  long count = arg_number(&start, 1, 2);
  int32_t total = 0;
  for (long i = 1; i <= count; ++i) {
    char args[32];
    /* the child's arguments, each followed by a NUL: "<code>\0child\0<i>\0" */
    int len = snprintf(args, sizeof args, "%ld%cchild%c%ld", i, 0, 0, i);
    hb_msg_out m = {args, (uint32_t)len + 1, 0, NULL};
    hb_task_id_t child = 0;
    hb_status_t s = hb_task_spawn(image, &m, &child);
    if (s != HB_OK) {
      say("spawn %s failed: %s", image, hb_strerror(s));
      return 1;
    }
    int32_t code = 0;
    s = hb_task_wait(child, &code, HB_FOREVER);
    if (s != HB_OK) {
      say("wait for task %llu failed: %s", (unsigned long long)child, hb_strerror(s));
      return 1;
    }
    say("child %llu exited with %d", (unsigned long long)child, code);
    total += code;
  }
  return total;
}
