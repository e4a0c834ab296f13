/* preempt: a task that computes without ever blocking does not stop the others: the timer
 * takes the CPU from it (x86-64: every 10 ms) and round robin gives it to the next task. */
#include "check.h"

/* Computes until the parent says "stop" (or 10 s pass). Its only syscalls never block:
 * a receive with HB_NOWAIT now and then. (Until told, not for a fixed time: a host that
 * stalls QEMU for a moment must not let it finish before the parent looks.) */
static int spinner(void) {
  hb_time_t t0 = hb_clock_ns();
  volatile uint64_t work = 0;
  char buf[8];
  while (t_recv(HB_INBOX, buf, sizeof(buf), 0, HB_NOWAIT) == HB_ERR_WOULD_BLOCK) {
    if (hb_clock_ns() - t0 > T_MS(10000)) return 1;  /* never told to stop */
    for (int i = 0; i < 1000; ++i) work = work + 1;
  }
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
  hb_msg_out stop = {"stop", 4, 0, 0};
  CHECK_EQ(hb_send_task(child, &stop, 0, T_MS(5000)), HB_OK);
  CHECK_EQ(hb_task_wait(child, &code, T_MS(10000)), HB_OK);
  CHECK_EQ(code, 0);
  return t_done();
}
