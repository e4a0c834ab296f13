/* lost_signal - a signal with no waiter does nothing (harbor/monitor.h).
 *
 *   harbor-emu exec lost-signal
 *
 * Three acts, each with a child task that arrives after the parent has "announced" something:
 *   1. monitor, signal only: the parent signals `ready` while nobody waits; the child then
 *      waits on `ready` (with a timeout, so that the demo ends) and times out. The signal is
 *      lost: a condition variable has no memory.
 *   2. semaphore: the parent posts before the child waits; the child's wait succeeds at
 *      once. A semaphore counts, so the post is remembered.
 *   3. monitor, done right: the parent sets the shared variable `ready = 1` and then
 *      signals; the child waits in `while (!ready) hb_cond_wait(...)`, sees ready = 1 and
 *      never waits at all. The state lives in the monitor's variables, not in the signal.
 * Exit code 0 when all three acts behave as described.
 */
#include "example.h"

#include <harbor/monitor.h>

#include <string.h>
#include <unistd.h>

enum { READY = 0 };
static const hb_time_t kPatience = 300ull * 1000000ull; /* how long the child waits: 300 ms */

struct state {
  uint32_t ready;
};

static void must(hb_status_t s, const char *what) {
  if (s != HB_OK) {
    say("lost_signal: %s: %s", what, hb_strerror(s));
    hb_task_exit(1);
  }
}

/* The children. Exit code: 0 if it was woken (or did not need to wait), 10 if it timed out. */
// DOC: lost-signal-waiter
static int waits_for_signal(const hb_start_info *start) {
  hb_monitor_t m;
  must(hb_monitor_attach(start->handles, start->handle_count, &m), "attach");
  must(hb_monitor_enter(&m, HB_FOREVER), "enter");
  hb_status_t s = hb_cond_wait(&m, READY, kPatience); /* wait(ready), no predicate */
  must(hb_monitor_exit(&m), "exit");
  return s == HB_OK ? 0 : s == HB_ERR_TIMED_OUT ? 10 : 1;
}

static int waits_on_semaphore(const hb_start_info *start) {
  hb_status_t s = hb_sem_wait(start->handles[0], kPatience);
  return s == HB_OK ? 0 : s == HB_ERR_TIMED_OUT ? 10 : 1;
}

static int waits_for_state(const hb_start_info *start) {
  hb_monitor_t m;
  must(hb_monitor_attach(start->handles, start->handle_count, &m), "attach");
  must(hb_monitor_enter(&m, HB_FOREVER), "enter");
  struct state *st = hb_monitor_data(&m);
  hb_status_t s = HB_OK;
  while (!st->ready && s == HB_OK) s = hb_cond_wait(&m, READY, kPatience);
  must(hb_monitor_exit(&m), "exit");
  return s == HB_OK ? 0 : s == HB_ERR_TIMED_OUT ? 10 : 1;
}

/* Runs this program as ROLE with `handles` (moved) and returns its exit code. */
static int32_t run_child(const char *role, const hb_handle_t *handles, uint32_t count) {
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1); /* hosted: our own path */
  if (n <= 0) must(HB_ERR_NOT_FOUND, "readlink /proc/self/exe");
  self[n] = 0;
  hb_msg_out msg = {role, (uint32_t)strlen(role) + 1, count, handles};
  hb_task_id_t id = 0;
  must(hb_task_spawn(self, &msg, &id), "spawn");
  int32_t code = -1;
  must(hb_task_wait(id, &code, HB_FOREVER), "wait for the child");
  return code;
}

static int32_t run_monitor_child(const char *role, const hb_monitor_t *m) {
  hb_handle_t handles[HB_MONITOR_HANDLES_MAX];
  uint32_t count = 0;
  must(hb_monitor_grant(m, handles, HB_MONITOR_HANDLES_MAX, &count), "grant");
  return run_child(role, handles, count);
}

int main(void) {
  hb_start_info start = start_or_exit("lost_signal", 0);
  if (start.argc >= 1 && start.handle_count > 0) {
    if (strcmp(start.argv[0], "signal") == 0) return waits_for_signal(&start);
    if (strcmp(start.argv[0], "semaphore") == 0) return waits_on_semaphore(&start);
    if (strcmp(start.argv[0], "state") == 0) return waits_for_state(&start);
    return 2;
  }
  hb_monitor_t m;
  must(hb_monitor_create(1, 1, sizeof(struct state), &m), "create");

  say("act 1: the parent signals `ready` before anyone waits, then a child waits on it");
  must(hb_monitor_enter(&m, HB_FOREVER), "enter");
  // DOC: lost-signal-signal
  must(hb_cond_signal(&m, READY), "signal"); /* nobody waits: this does nothing */
  must(hb_monitor_exit(&m), "exit");
  int32_t act1 = run_monitor_child("signal", &m);
  say("        the child %s", act1 == 10 ? "timed out: the signal was lost" : "was woken (unexpected)");

  say("act 2: the parent posts a semaphore before anyone waits, then a child waits on it");
  hb_handle_t sem, copy;
  must(hb_sem_create(0, 1, &sem), "sem");
  must(hb_sem_post(sem, 1), "post"); /* nobody waits: the count keeps it */
  must(hb_handle_dup(sem, HB_RIGHT_RECV | HB_RIGHT_TRANSFER, &copy), "dup");
  int32_t act2 = run_child("semaphore", &copy, 1);
  say("        the child %s", act2 == 0 ? "went through at once: the post was remembered"
                                        : "timed out (unexpected)");
  hb_handle_close(sem);

  say("act 3: the parent sets ready = 1 in the monitor, then signals; a child waits while !ready");
  must(hb_monitor_enter(&m, HB_FOREVER), "enter");
  ((struct state *)hb_monitor_data(&m))->ready = 1;
  must(hb_cond_signal(&m, READY), "signal"); /* still lost, and it does not matter */
  must(hb_monitor_exit(&m), "exit");
  int32_t act3 = run_monitor_child("state", &m);
  say("        the child %s", act3 == 0 ? "saw ready = 1 and did not wait"
                                        : "timed out (unexpected)");
  hb_monitor_detach(&m);
  int ok = act1 == 10 && act2 == 0 && act3 == 0;
  say("lost_signal: %s", ok ? "OK" : "FAILED");
  return ok ? 0 : 1;
}
