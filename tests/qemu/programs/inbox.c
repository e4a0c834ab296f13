/* inbox: every task's own port, HB_INBOX. It is handle 1 with the receive right, it cannot
 * be closed, anyone may send to it by task id (even the task itself), it is bounded (a full
 * inbox blocks or refuses senders, never drops), and its messages say who sent them. */
#include "check.h"

/* Sends to the parent's inbox until it is full, then one more that blocks until the parent
 * makes room. Tells nothing: the parent counts. */
static int filler(const t_start *s) {
  uint32_t sent = 0;
  hb_status_t st = HB_OK;
  for (; sent < 100000; ++sent) {
    hb_msg_out m = {&sent, sizeof(sent), 0, 0};
    st = hb_send_task(s->sender, &m, 0, HB_NOWAIT);
    if (st != HB_OK) break;
  }
  CHECK_EQ(st, HB_ERR_WOULD_BLOCK);  /* full: refused, not dropped */
  hb_msg_out last = {&sent, sizeof(sent), 0, 0};
  CHECK_EQ(hb_send_task(s->sender, &last, 0, T_MS(10000)), HB_OK);  /* blocks, then goes */
  return t_done();
}

int main(void) {
  t_name = "inbox";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "filler")) return filler(&s);

  hb_handle_info_t info;
  CHECK_EQ(hb_handle_info(HB_INBOX, &info), HB_OK);
  CHECK_EQ(info.type, HB_OBJ_PORT);
  CHECK(info.rights & HB_RIGHT_RECV);
  CHECK_EQ(hb_handle_close(HB_INBOX), HB_ERR_ACCESS);
  CHECK_EQ(hb_handle_info(HB_INBOX, &info), HB_OK);  /* still there */
  CHECK(hb_task_self() != 0);

  /* To ourselves, by id. */
  hb_msg_out m = {"me", 2, 0, 0};
  CHECK_EQ(hb_send_task(hb_task_self(), &m, 0, HB_NOWAIT), HB_OK);
  char buf[8];
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof(buf);
  CHECK_EQ(hb_recv(HB_INBOX, &in, 0, HB_NOWAIT), HB_OK);
  CHECK_EQ(in.sender, hb_task_self());
  CHECK(in.len == 2 && t_equal(buf, "me", 2));
  CHECK_EQ(hb_send_task(0, &m, 0, HB_NOWAIT), HB_ERR_NOT_FOUND);

  /* A child fills our inbox: every message arrives once, in order, and the blocked one last. */
  hb_task_id_t child = 0;
  CHECK_EQ(t_spawn("inbox", "filler", 0, 0, &child), HB_OK);
  uint32_t seq = 0, expected = 0, wrong = 0, len = 0;
  hb_status_t st;
  t_sleep(T_MS(100));  /* let it fill and block (either way the checks hold) */
  while ((st = t_recv(HB_INBOX, (char *)&seq, sizeof(seq), &len, T_MS(2000))) == HB_OK) {
    if (len != sizeof(seq) || seq != expected) ++wrong;
    ++expected;
    int32_t code = -1;
    if (hb_task_wait(child, &code, HB_NOWAIT) == HB_OK) {
      CHECK_EQ(code, 0);
      child = 0;
    }
  }
  CHECK_EQ(st, HB_ERR_TIMED_OUT);
  CHECK_EQ(wrong, 0);
  CHECK(expected >= 2);  /* at least one that fitted and the one that waited */
  if (child) {
    int32_t code = -1;
    CHECK_EQ(hb_task_wait(child, &code, T_MS(5000)), HB_OK);
    CHECK_EQ(code, 0);
  }
  return t_done();
}
