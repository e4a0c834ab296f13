/* revoke_in_flight: a sender blocked on a rendezvous port, its message's bytes in a grant
 * region, when the region is revoked. The kernel may have copied the bytes at send time
 * (the receiver gets them, the send succeeds) or copy them at delivery (the sender's buffer
 * is gone: its send fails with FAULT and the receiver gets nothing). Both keep the rules;
 * what must never happen is a receiver getting other bytes, or a message lost with a send
 * that succeeded. The program prints which of the two this kernel does. */
#include "check.h"

/* handles: the region (rw), the port's send right. */
static int sender(const t_start *s) {
  CHECK_EQ(s->handle_count, 2);
  void *p = 0;
  CHECK_EQ(hb_region_map(s->handles[0], HB_RIGHT_READ | HB_RIGHT_WRITE, &p), HB_OK);
  if (!p) return t_done();
  hb_msg_out mapped = {"mapped", 6, 0, 0};
  CHECK_EQ(hb_send_task(s->sender, &mapped, 0, T_MS(5000)), HB_OK);
  hb_msg_out m = {p, 6, 0, 0};
  hb_status_t st = hb_send(s->handles[1], &m, 0, T_MS(10000));
  hb_msg_out report = {&st, sizeof(st), 0, 0};
  CHECK_EQ(hb_send_task(s->sender, &report, 0, T_MS(5000)), HB_OK);
  return t_done();
}

int main(void) {
  t_name = "revoke_in_flight";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "sender")) return sender(&s);

  hb_handle_t region, r, snd, give[2];
  void *p = 0;
  CHECK_EQ(hb_region_create(4096, 0, &region), HB_OK);
  CHECK_EQ(hb_region_map(region, HB_RIGHT_READ | HB_RIGHT_WRITE, &p), HB_OK);
  if (!p) return t_done();
  for (int i = 0; i < 6; ++i) ((char *)p)[i] = "secret"[i];
  CHECK_EQ(hb_region_unmap(p), HB_OK);  /* done with it: after the revoke it faults */
  CHECK_EQ(hb_port_create(HB_PORT_RENDEZVOUS, 0, 0, &r, &snd), HB_OK);
  CHECK_EQ(hb_handle_dup(region, HB_RIGHTS_SAME, &give[0]), HB_OK);
  give[1] = snd;
  hb_task_id_t child = 0;
  CHECK_EQ(t_spawn("revoke_in_flight", "sender", give, 2, &child), HB_OK);
  char buf[16];
  uint32_t len = 0;
  CHECK_EQ(t_recv(HB_INBOX, buf, sizeof(buf), &len, T_MS(5000)), HB_OK);  /* "mapped" */
  t_sleep(T_MS(50));  /* usually blocked in its send by now; if not, it sends after the
                         revoke, from a buffer already gone: the second case below */
  CHECK_EQ(hb_region_revoke(region), HB_OK);

  hb_status_t got = t_recv(r, buf, sizeof(buf), &len, T_MS(300));
  hb_status_t sent = 1;
  uint32_t rlen = 0;
  CHECK_EQ(t_recv(HB_INBOX, (char *)&sent, sizeof(sent), &rlen, T_MS(5000)), HB_OK);
  if (got == HB_OK) {
    /* Copied before the revoke: the very bytes, and a send that succeeded. */
    CHECK(len == 6 && t_equal(buf, "secret", 6));
    CHECK_EQ(sent, HB_OK);
    t_print("revoke_in_flight: the bytes were copied at send time\n");
  } else {
    /* Copied at delivery: the sender's buffer was gone. */
    CHECK_EQ(got, HB_ERR_TIMED_OUT);
    CHECK_EQ(sent, HB_ERR_FAULT);
    t_print("revoke_in_flight: the send failed at delivery: FAULT\n");
  }
  int32_t code = -1;
  CHECK_EQ(hb_task_wait(child, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);
  return t_done();
}
