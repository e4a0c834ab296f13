/* timeout_floor: a relative timeout never ends a wait early. Every blocking call, with short
 * and longer timeouts, returns TIMED_OUT no sooner than asked (and not absurdly late); and
 * hb_clock_ns is one clock for all tasks: what one task read, another never reads less. */
#include "check.h"

static hb_handle_t g_r, g_s, g_sem, g_call;
static hb_task_id_t g_child;

/* Each blocking call that can only end by its timeout here. */
static hb_status_t block(int which, hb_time_t timeout) {
  char buf[4];
  switch (which) {
    case 0: return t_recv(g_r, buf, sizeof(buf), 0, timeout);         /* empty port */
    case 1: return t_send_text(g_s, "x", timeout);                    /* full port */
    case 2: return hb_sem_wait(g_sem, timeout);                       /* zero semaphore */
    case 3: {                                                         /* nobody answers */
      hb_msg_out req = {"?", 1, 0, 0};
      hb_msg_in rep = {0};
      rep.data = buf;
      rep.cap = sizeof(buf);
      return hb_call(g_call, &req, &rep, timeout);
    }
    default: return hb_task_wait(g_child, 0, timeout);               /* a child that waits */
  }
}

/* Sends the parent its clock, after the parent's clock reading arrived. */
static int clock_child(void) {
  hb_time_t parent_then = 0;
  uint32_t len = 0;
  CHECK_EQ(t_recv(HB_INBOX, (char *)&parent_then, sizeof(parent_then), &len, T_MS(5000)), HB_OK);
  hb_time_t now = hb_clock_ns();
  CHECK(now >= parent_then);
  char buf[4];
  CHECK_EQ(t_recv(HB_INBOX, buf, sizeof(buf), 0, T_MS(10000)), HB_OK);  /* "end" */
  return t_done();
}

int main(void) {
  t_name = "timeout_floor";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "clock")) return clock_child();

  hb_handle_t call_r;
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 1, 0, &g_r, &g_s), HB_OK);
  CHECK_EQ(hb_sem_create(0, 1, &g_sem), HB_OK);
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 4, 0, &call_r, &g_call), HB_OK);
  CHECK_EQ(t_spawn("timeout_floor", "clock", 0, 0, &g_child), HB_OK);
  hb_time_t then = hb_clock_ns();
  hb_msg_out m = {&then, sizeof(then), 0, 0};
  CHECK_EQ(hb_send_task(g_child, &m, 0, T_MS(5000)), HB_OK);

  static const hb_time_t timeouts[] = {1000, 300000, T_MS(1), T_MS(3), T_MS(12)};
  for (int which = 0; which < 5; ++which) {
    if (which == 1) CHECK_EQ(t_send_text(g_s, "f", HB_NOWAIT), HB_OK);  /* fill it */
    for (unsigned i = 0; i < sizeof(timeouts) / sizeof(timeouts[0]); ++i) {
      hb_time_t t0 = hb_clock_ns();
      CHECK_EQ(block(which, timeouts[i]), HB_ERR_TIMED_OUT);
      hb_time_t waited = hb_clock_ns() - t0;
      if (waited < timeouts[i]) {
        t_print("timeout_floor: call ");
        t_print_int(which);
        t_print(" waited ");
        t_print_int((int64_t)waited);
        t_print(" ns of ");
        t_print_int((int64_t)timeouts[i]);
        t_print("\n");
      }
      CHECK(waited >= timeouts[i]);
      CHECK(waited < timeouts[i] + T_MS(3000));
    }
  }
  /* Our timed-out calls: a request still queued (at most one per call) carries a reply
   * capability whose caller gave up, so answering it is PEER_CLOSED. */
  uint32_t queued = 0;
  char buf[4];
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof(buf);
  while (hb_recv(call_r, &in, 0, HB_NOWAIT) == HB_OK) {
    ++queued;
    CHECK(in.reply != HB_INVALID);
    hb_msg_out answer = {"!", 1, 0, 0};
    CHECK_EQ(hb_reply(in.reply, &answer), HB_ERR_PEER_CLOSED);
  }
  CHECK(queued <= sizeof(timeouts) / sizeof(timeouts[0]));
  hb_msg_out end = {"end", 3, 0, 0};
  CHECK_EQ(hb_send_task(g_child, &end, 0, T_MS(5000)), HB_OK);
  int32_t code = -1;
  CHECK_EQ(hb_task_wait(g_child, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);
  return t_done();
}
