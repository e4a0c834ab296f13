/* exit_probe - a test program for how a hosted task ends (tests/emulator/cli_test.cc):
 * harbor-emu exec's exit status, and the line harbor-emu prints when a task dies of a signal.
 *
 *   exit-probe return N       main returns N (any int: the runtime passes N whole to the
 *                             kernel, userland/runtime/hosted/exit.cc)
 *   exit-probe exit N         hb_task_exit(N)
 *   exit-probe segv           dies of SIGSEGV (raised with the default action, so that no
 *                             sanitizer's or runtime's handler turns it into an exit)
 *   exit-probe child MODE [N] spawns exit-probe MODE [N] (this same executable), waits for
 *                             it and prints "probe: child N ended with CODE"; exits 0
 */
#include <harbor/runtime.h>
#include <harbor/sys.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int child(const hb_start_info *start) {
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return 1;
  self[n] = '\0';
  char bytes[256];
  uint32_t len = 0;
  for (uint32_t i = 1; i < start->argc; ++i) {  /* the child's arguments: ours after `child` */
    size_t size = strlen(start->argv[i]) + 1;
    if (len + size > sizeof bytes) return 1;
    memcpy(bytes + len, start->argv[i], size);
    len += (uint32_t)size;
  }
  hb_msg_out m = {bytes, len, 0, NULL};
  hb_task_id_t id = 0;
  hb_status_t s = hb_task_spawn(self, &m, &id);
  char line[120];
  if (s != HB_OK) {
    snprintf(line, sizeof line, "probe: spawn: %s\n", hb_strerror(s));
    hb_print(line);
    return 1;
  }
  int32_t code = 0;
  s = hb_task_wait(id, &code, HB_FOREVER);
  if (s != HB_OK) {
    snprintf(line, sizeof line, "probe: wait: %s\n", hb_strerror(s));
    hb_print(line);
    return 1;
  }
  snprintf(line, sizeof line, "probe: child %u ended with %d\n", (unsigned)id, (int)code);
  hb_print(line);
  return 0;
}

int main(void) {
  hb_start_info start;
  if (hb_start_args(&start) != HB_OK || start.argc < 1) {
    hb_print("probe: usage: return N | exit N | segv | child MODE [N]\n");
    return 1;
  }
  const char *mode = start.argv[0];
  int n = start.argc >= 2 ? atoi(start.argv[1]) : 0;
  if (strcmp(mode, "return") == 0) return n;
  if (strcmp(mode, "exit") == 0) hb_task_exit(n);
  if (strcmp(mode, "segv") == 0) {
    signal(SIGSEGV, SIG_DFL);
    raise(SIGSEGV);
    return 1;
  }
  if (strcmp(mode, "child") == 0) return child(&start);
  hb_print("probe: unknown mode\n");
  return 1;
}
