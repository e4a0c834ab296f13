/* ipc_fairness: two tasks that call each other without pause do not starve a third one that
 * is ready on the same core.
 *
 * x86-64 switches straight from a caller to the task its call wakes (the direct switch,
 * arch/x86_64/trap.cc). If each such switch started a fresh time slice, a call/reply pair
 * would hold the core for ever: neither ever uses up a slice, and nothing else runs. The
 * woken task runs on the rest of the caller's slice instead, so the timer still preempts the
 * pair and the third task gets its turn. Here the third task only has to send one message. */
#include "check.h"

static int server(const t_start *s) {
  hb_handle_t reply = HB_INVALID;
  int64_t n = 0;
  hb_msg_out answer = {&n, sizeof(n), 0, 0};
  for (;;) {
    hb_msg_in in = {0};
    in.data = &n;
    in.cap = sizeof(n);
    if (hb_reply_recv(reply, reply ? &answer : 0, s->handles[0], &in, HB_FOREVER) != HB_OK)
      break;
    reply = in.reply;
  }
  return 0;
}

int main(void) {
  t_name = "ipc_fairness";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "server")) return server(&s);
  if (t_role_is(&s, "third")) {
    hb_msg_out m = {"ran", 3, 0, 0};
    return hb_send_task(s.sender, &m, 0, T_MS(5000)) == HB_OK ? 0 : 1;
  }

  hb_handle_t r, snd;
  hb_task_id_t server_id = 0, third_id = 0;
  CHECK_EQ(hb_port_create(HB_PORT_RENDEZVOUS, 0, 0, &r, &snd), HB_OK);
  CHECK_EQ(t_spawn("ipc_fairness", "server", &r, 1, &server_id), HB_OK);
  int64_t n = 0, out = 0;
  hb_msg_out req = {&n, sizeof(n), 0, 0};
  hb_msg_in rep = {0};
  rep.data = &out;
  rep.cap = sizeof(out);
  CHECK_EQ(hb_call(snd, &req, &rep, HB_FOREVER), HB_OK); /* the server is up */
  CHECK_EQ(t_spawn("ipc_fairness", "third", 0, 0, &third_id), HB_OK); /* ready, not running */
  /* Call without pause (no blocking receive, no yield) until the third task's message is
   * there; checking the inbox is non-blocking. */
  hb_time_t t0 = hb_clock_ns();
  uint64_t calls = 0;
  char buf[8];
  uint32_t len = 0;
  hb_status_t got = HB_ERR_WOULD_BLOCK;
  while (got == HB_ERR_WOULD_BLOCK && hb_clock_ns() - t0 < T_MS(3000)) {
    CHECK_EQ(hb_call(snd, &req, &rep, HB_FOREVER), HB_OK);
    ++calls;
    got = t_recv(HB_INBOX, buf, sizeof(buf), &len, HB_NOWAIT);
  }
  t_print("ipc_fairness: ");
  t_print_int((int64_t)calls);
  t_print(" calls in ");
  t_print_int((int64_t)((hb_clock_ns() - t0) / 1000000));
  t_print(got == HB_OK ? " ms, then the third task's message\n" : " ms, no third task\n");
  CHECK_EQ(got, HB_OK);
  CHECK(len == 3 && t_equal(buf, "ran", 3));
  hb_handle_close(snd);
  int32_t code = -1;
  CHECK_EQ(hb_task_wait(server_id, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(hb_task_wait(third_id, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);
  return t_done();
}
