/* rendezvous: a capacity-0 port; sender and receiver meet, nothing is ever queued. */
#include "check.h"

static int sender(const t_start *s) {
  CHECK_EQ(s->handle_count, 1);
  /* Blocks until the parent receives: the message is never queued. */
  CHECK_EQ(t_send_text(s->handles[0], "ping", HB_FOREVER), HB_OK);
  char buf[16];
  uint32_t len = 0;
  CHECK_EQ(t_recv(HB_INBOX, buf, sizeof(buf), &len, T_MS(5000)), HB_OK);
  CHECK_EQ(len, 4);
  CHECK(t_equal(buf, "pong", 4));
  return t_done();
}

int main(void) {
  t_name = "rendezvous";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "sender")) return sender(&s);

  hb_handle_t r, snd, dup;
  CHECK_EQ(hb_port_create(HB_PORT_RENDEZVOUS, 0, 0, &r, &snd), HB_OK);
  /* Nobody waits on either side: the null message both ways. */
  CHECK_EQ(t_send_text(snd, "x", HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  char buf[16];
  CHECK_EQ(t_recv(r, buf, sizeof(buf), 0, HB_NOWAIT), HB_ERR_WOULD_BLOCK);

  CHECK_EQ(hb_handle_dup(snd, HB_RIGHTS_SAME, &dup), HB_OK);
  hb_task_id_t child = 0;
  CHECK_EQ(t_spawn("rendezvous", "sender", &dup, 1, &child), HB_OK);
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof(buf);
  CHECK_EQ(hb_recv(r, &in, 0, T_MS(5000)), HB_OK);
  CHECK_EQ(in.len, 4);
  CHECK(t_equal(buf, "ping", 4));
  CHECK_EQ(in.sender, child);
  hb_msg_out pong = {"pong", 4, 0, 0};
  CHECK_EQ(hb_send_task(child, &pong, 0, T_MS(5000)), HB_OK);
  int32_t code = -1;
  CHECK_EQ(hb_task_wait(child, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);
  return t_done();
}
