/* transfer_death: handles travel in messages, with rights that only shrink; when a port
 * dies, the handles inside its queued messages are closed, which can end another stream:
 * a receiver blocked on that other port wakes with PEER_CLOSED. */
#include "check.h"

/* Makes a port, gives its send right to the parent, waits for "go" and exits without ever
 * receiving: the port dies with the messages queued in it. */
static int owner(const t_start *s) {
  hb_handle_t r, snd;
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 4, 0, &r, &snd), HB_OK);
  hb_msg_out m = {"port", 4, 1, &snd};
  CHECK_EQ(hb_send_task(s->sender, &m, 0, T_MS(5000)), HB_OK);
  char buf[8];
  CHECK_EQ(t_recv(HB_INBOX, buf, sizeof(buf), 0, T_MS(5000)), HB_OK);  /* "go" */
  return t_done();
}

static void rights_only_shrink(void) {
  hb_handle_t r, snd, weak, again, carrier_r, carrier_s;
  hb_handle_info_t info;
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 1, 0, &r, &snd), HB_OK);
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 1, 0, &carrier_r, &carrier_s), HB_OK);
  CHECK_EQ(hb_handle_info(r, &info), HB_OK);
  CHECK_EQ(info.type, HB_OBJ_PORT);
  CHECK(info.rights & HB_RIGHT_RECV);
  CHECK(!(info.rights & HB_RIGHT_SEND));
  CHECK_EQ(hb_handle_info(snd, &info), HB_OK);
  CHECK(info.rights & HB_RIGHT_SEND);
  CHECK(!(info.rights & HB_RIGHT_RECV));
  /* A send right without DUP or TRANSFER: it cannot be copied, nor given away. */
  CHECK_EQ(hb_handle_dup(snd, HB_RIGHT_SEND, &weak), HB_OK);
  CHECK_EQ(hb_handle_dup(weak, HB_RIGHT_SEND, &again), HB_ERR_ACCESS);
  CHECK_EQ(hb_handle_dup(snd, HB_RIGHT_SEND | HB_RIGHT_RECV, &again), HB_ERR_ACCESS);
  hb_msg_out m = {"w", 1, 1, &weak};
  CHECK_EQ(hb_send(carrier_s, &m, 0, HB_NOWAIT), HB_ERR_ACCESS);
  CHECK_EQ(hb_handle_info(weak, &info), HB_OK);  /* a failed send leaves it with us */
  CHECK_EQ(info.rights, HB_RIGHT_SEND);
  CHECK_EQ(t_send_text(weak, "1", HB_NOWAIT), HB_OK);  /* and it still sends */
  /* A handle listed twice; a port's own receive right sent into it. */
  hb_handle_t twice[2] = {snd, snd};
  hb_msg_out m2 = {"t", 1, 2, twice};
  CHECK_EQ(hb_send(carrier_s, &m2, 0, HB_NOWAIT), HB_ERR_INVALID_ARG);
  hb_msg_out m3 = {"r", 1, 1, &carrier_r};
  CHECK_EQ(hb_send(carrier_s, &m3, 0, HB_NOWAIT), HB_ERR_INVALID_ARG);
  /* A send that cannot complete (the port is full) keeps the handle too. */
  hb_msg_out m4 = {"s", 1, 1, &snd};
  CHECK_EQ(hb_send(weak, &m4, 0, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  CHECK_EQ(hb_handle_info(snd, &info), HB_OK);
  hb_handle_close(weak);
  hb_handle_close(snd);
  hb_handle_close(r);
  hb_handle_close(carrier_r);
  hb_handle_close(carrier_s);
}

int main(void) {
  t_name = "transfer_death";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "owner")) return owner(&s);

  rights_only_shrink();

  /* Q: our port. Its only send right goes into the owner's port P and sits there. */
  hb_handle_t q_recv, q_send;
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 1, 0, &q_recv, &q_send), HB_OK);
  hb_task_id_t child = 0;
  CHECK_EQ(t_spawn("transfer_death", "owner", 0, 0, &child), HB_OK);
  char buf[8];
  hb_handle_t p_send = HB_INVALID;
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof(buf);
  in.handles = &p_send;
  in.handle_cap = 1;
  CHECK_EQ(hb_recv(HB_INBOX, &in, 0, T_MS(5000)), HB_OK);
  CHECK_EQ(in.handle_count, 1);
  CHECK_EQ(in.sender, child);
  hb_msg_out carry = {"q", 1, 1, &q_send};
  CHECK_EQ(hb_send(p_send, &carry, 0, T_MS(5000)), HB_OK);
  hb_handle_info_t info;
  CHECK_EQ(hb_handle_info(q_send, &info), HB_ERR_BAD_HANDLE);  /* moved */
  /* A send right to Q still exists (in transit): not the end of the stream yet. */
  CHECK_EQ(t_recv(q_recv, buf, sizeof(buf), 0, HB_NOWAIT), HB_ERR_WOULD_BLOCK);

  /* The owner exits: P dies, its queued message is destroyed, the send right to Q in it is
   * closed, and we (blocked on Q) wake: no sender is left. */
  hb_msg_out go = {"go", 2, 0, 0};
  CHECK_EQ(hb_send_task(child, &go, 0, T_MS(5000)), HB_OK);
  CHECK_EQ(t_recv(q_recv, buf, sizeof(buf), 0, T_MS(5000)), HB_ERR_PEER_CLOSED);
  CHECK_EQ(t_send_text(p_send, "late", HB_NOWAIT), HB_ERR_PEER_CLOSED);
  int32_t code = -1;
  CHECK_EQ(hb_task_wait(child, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);
  return t_done();
}
