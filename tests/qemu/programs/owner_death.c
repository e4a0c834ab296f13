/* owner_death: when a port's owner exits, its blocked senders wake with PEER_CLOSED and
 * later sends fail the same way. */
#include "check.h"

static int owner(const t_start *s) {
  hb_handle_t r, snd;
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 1, 0, &r, &snd), HB_OK);
  hb_msg_out m = {"port", 4, 1, &snd};
  CHECK_EQ(hb_send_task(s->sender, &m, 0, T_MS(5000)), HB_OK);  /* the send right, moved */
  char buf[8];
  CHECK_EQ(t_recv(HB_INBOX, buf, sizeof(buf), 0, T_MS(5000)), HB_OK);  /* "go" */
  return t_done();  /* exits without ever receiving: the port dies with us */
}

int main(void) {
  t_name = "owner_death";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "owner")) return owner(&s);

  hb_task_id_t child = 0;
  CHECK_EQ(t_spawn("owner_death", "owner", 0, 0, &child), HB_OK);
  char buf[8];
  hb_handle_t h[1] = {HB_INVALID};
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof(buf);
  in.handles = h;
  in.handle_cap = 1;
  CHECK_EQ(hb_recv(HB_INBOX, &in, 0, T_MS(5000)), HB_OK);
  CHECK_EQ(in.handle_count, 1);
  CHECK_EQ(t_send_text(h[0], "1", HB_NOWAIT), HB_OK);  /* the queue is now full */
  hb_msg_out go = {"go", 2, 0, 0};
  CHECK_EQ(hb_send_task(child, &go, 0, T_MS(5000)), HB_OK);
  /* Blocks on the full queue until the owner exits. */
  CHECK_EQ(t_send_text(h[0], "2", HB_FOREVER), HB_ERR_PEER_CLOSED);
  CHECK_EQ(t_send_text(h[0], "3", HB_NOWAIT), HB_ERR_PEER_CLOSED);
  int32_t code = -1;
  CHECK_EQ(hb_task_wait(child, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);
  CHECK_EQ(hb_send_task(child, &go, 0, HB_NOWAIT), HB_ERR_NOT_FOUND);  /* it is gone */
  return t_done();
}
