/* preempt: a task that computes without ever blocking does not stop the others: the timer
 * takes the CPU from it (x86-64: every 10 ms) and round robin gives it to the next task. */
#include "check.h"

static int spinner(void) {
  hb_time_t t0 = hb_clock_ns();
  volatile uint64_t work = 0;
  while (hb_clock_ns() - t0 < T_MS(300))
    for (int i = 0; i < 1000; ++i) work = work + 1;
  return 0;
}

int main(void) {
  t_name = "preempt";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "spinner")) return spinner();

  hb_task_id_t child = 0;
  CHECK_EQ(t_spawn("preempt", "spinner", 0, 0, &child), HB_OK);
  CHECK_EQ(hb_yield(), HB_OK);  /* let it start spinning */
  t_sleep(T_MS(20));
  /* We ran again while it still spins. */
  int32_t code = -1;
  CHECK_EQ(hb_task_wait(child, &code, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  CHECK_EQ(hb_task_wait(child, &code, T_MS(10000)), HB_OK);
  CHECK_EQ(code, 0);
  return t_done();
}
