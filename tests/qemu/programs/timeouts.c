/* timeouts: every blocking call ends with TIMED_OUT when its relative timeout passes. */
#include "check.h"

static int sleeper(void) {
  t_sleep(T_MS(100));
  return 7;
}

int main(void) {
  t_name = "timeouts";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "sleeper")) return sleeper();

  hb_handle_t r, snd, sem;
  char buf[8];
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 1, 0, &r, &snd), HB_OK);

  hb_time_t t0 = hb_clock_ns();
  CHECK_EQ(t_recv(r, buf, sizeof(buf), 0, T_MS(30)), HB_ERR_TIMED_OUT);
  hb_time_t waited = hb_clock_ns() - t0;
  CHECK(waited >= T_MS(30));
  CHECK(waited < T_MS(3000));

  CHECK_EQ(t_send_text(snd, "1", HB_NOWAIT), HB_OK);
  CHECK_EQ(t_send_text(snd, "2", T_MS(20)), HB_ERR_TIMED_OUT);    /* full */

  CHECK_EQ(hb_sem_create(0, 1, &sem), HB_OK);
  CHECK_EQ(hb_sem_wait(sem, T_MS(20)), HB_ERR_TIMED_OUT);
  CHECK_EQ(hb_sem_post(sem, 1), HB_OK);
  CHECK_EQ(hb_sem_wait(sem, HB_NOWAIT), HB_OK);

  /* A call nobody answers. */
  hb_handle_t r2, s2;
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 4, 0, &r2, &s2), HB_OK);
  hb_msg_out req = {"?", 1, 0, 0};
  hb_msg_in rep = {0};
  rep.data = buf;
  rep.cap = sizeof(buf);
  CHECK_EQ(hb_call(s2, &req, &rep, T_MS(20)), HB_ERR_TIMED_OUT);

  /* Waiting for a child that takes longer than the timeout, then for ever. */
  hb_task_id_t child = 0;
  int32_t code = -1;
  CHECK_EQ(t_spawn("timeouts", "sleeper", 0, 0, &child), HB_OK);
  CHECK_EQ(hb_task_wait(child, &code, T_MS(10)), HB_ERR_TIMED_OUT);
  CHECK_EQ(hb_task_wait(child, &code, HB_FOREVER), HB_OK);
  CHECK_EQ(code, 7);
  return t_done();
}
