/* too_small: a receive buffer too small is HB_ERR_BUFFER_TOO_SMALL, the message stays where
 * it was (queued, or with its blocked sender) and len/handle_count say what is needed; the
 * retry gets it whole. A reply too big for the caller's buffer fails both sides. */
#include "check.h"

/* Blocks on a rendezvous port with a 2-byte buffer, then takes the message with a big one. */
static int small_receiver(const t_start *s) {
  CHECK_EQ(s->handle_count, 1);
  char buf[16];
  uint32_t len = 0;
  CHECK_EQ(t_recv(s->handles[0], buf, 2, &len, T_MS(5000)), HB_ERR_BUFFER_TOO_SMALL);
  CHECK_EQ(len, 5);
  CHECK_EQ(t_recv(s->handles[0], buf, sizeof(buf), &len, T_MS(5000)), HB_OK);
  CHECK(len == 5 && t_equal(buf, "hello", 5));
  return t_done();
}

/* Answers one call with 100 bytes; the caller's buffer holds 8. */
static int big_replier(const t_start *s) {
  CHECK_EQ(s->handle_count, 1);
  char req[8], answer[100];
  for (int i = 0; i < 100; ++i) answer[i] = (char)i;
  hb_msg_in in = {0};
  in.data = req;
  in.cap = sizeof(req);
  CHECK_EQ(hb_recv(s->handles[0], &in, 0, T_MS(5000)), HB_OK);
  hb_msg_out out = {answer, sizeof(answer), 0, 0};
  CHECK_EQ(hb_reply(in.reply, &out), HB_ERR_BUFFER_TOO_SMALL);
  CHECK_EQ(hb_reply(in.reply, &out), HB_ERR_BAD_HANDLE);  /* consumed */
  /* The caller calls again with room: this one fits. */
  CHECK_EQ(hb_recv(s->handles[0], &in, 0, T_MS(5000)), HB_OK);
  CHECK_EQ(hb_reply(in.reply, &out), HB_OK);
  return t_done();
}

static void handle_retry(void) {
  hb_handle_t r, snd, a, b;
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 2, 0, &r, &snd), HB_OK);
  CHECK_EQ(hb_sem_create(0, 1, &a), HB_OK);
  CHECK_EQ(hb_handle_dup(snd, HB_RIGHT_SEND | HB_RIGHT_TRANSFER, &b), HB_OK);
  hb_handle_t moved[2] = {a, b};
  hb_msg_out m = {"0123456789", 10, 2, moved};
  CHECK_EQ(hb_send(snd, &m, 0, HB_NOWAIT), HB_OK);
  hb_handle_info_t info;
  CHECK_EQ(hb_handle_info(a, &info), HB_ERR_BAD_HANDLE);  /* moved out */

  char buf[16];
  hb_handle_t got[2] = {HB_INVALID, HB_INVALID};
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof(buf);
  in.handles = got;
  in.handle_cap = 1;                                          /* bytes fit, handles do not */
  CHECK_EQ(hb_recv(r, &in, 0, HB_NOWAIT), HB_ERR_BUFFER_TOO_SMALL);
  CHECK_EQ(in.len, 10);
  CHECK_EQ(in.handle_count, 2);
  CHECK_EQ(got[0], HB_INVALID);                               /* nothing was installed */
  in.cap = 4;
  in.handle_cap = 2;                                          /* handles fit, bytes do not */
  CHECK_EQ(hb_recv(r, &in, 0, HB_NOWAIT), HB_ERR_BUFFER_TOO_SMALL);
  CHECK_EQ(in.len, 10);
  in.cap = sizeof(buf);
  CHECK_EQ(hb_recv(r, &in, 0, HB_NOWAIT), HB_OK);
  CHECK(in.len == 10 && t_equal(buf, "0123456789", 10));
  CHECK_EQ(in.handle_count, 2);
  CHECK_EQ(hb_handle_info(got[0], &info), HB_OK);
  CHECK_EQ(info.type, HB_OBJ_SEMAPHORE);
  CHECK_EQ(hb_handle_info(got[1], &info), HB_OK);
  CHECK_EQ(info.type, HB_OBJ_PORT);
  CHECK_EQ(info.rights, HB_RIGHT_SEND | HB_RIGHT_TRANSFER);   /* as sent */
  CHECK_EQ(hb_recv(r, &in, 0, HB_NOWAIT), HB_ERR_WOULD_BLOCK); /* exactly once */
  /* The semaphore that travelled works. */
  CHECK_EQ(hb_sem_post(got[0], 1), HB_OK);
  CHECK_EQ(hb_sem_wait(got[0], HB_NOWAIT), HB_OK);
  hb_handle_close(got[0]);
  hb_handle_close(got[1]);
  hb_handle_close(r);
  hb_handle_close(snd);
}

int main(void) {
  t_name = "too_small";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "receiver")) return small_receiver(&s);
  if (t_role_is(&s, "replier")) return big_replier(&s);

  handle_retry();

  /* A rendezvous: nothing can be queued, so the sender stays blocked while the receiver
   * tries with a buffer too small, and its send completes with the retry. */
  hb_handle_t r, snd;
  hb_task_id_t child = 0;
  int32_t code = -1;
  CHECK_EQ(hb_port_create(HB_PORT_RENDEZVOUS, 0, 0, &r, &snd), HB_OK);
  CHECK_EQ(t_spawn("too_small", "receiver", &r, 1, &child), HB_OK);
  t_sleep(T_MS(30));  /* usually blocked by now; either order must work */
  CHECK_EQ(t_send_text(snd, "hello", T_MS(5000)), HB_OK);
  CHECK_EQ(hb_task_wait(child, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);
  hb_handle_close(snd);

  /* A reply that does not fit: BUFFER_TOO_SMALL for both, len says 100; then one that fits. */
  CHECK_EQ(hb_port_create(HB_PORT_RENDEZVOUS, 0, 0, &r, &snd), HB_OK);
  CHECK_EQ(t_spawn("too_small", "replier", &r, 1, &child), HB_OK);
  char small[8], big[128];
  hb_msg_out req = {"?", 1, 0, 0};
  hb_msg_in rep = {0};
  rep.data = small;
  rep.cap = sizeof(small);
  CHECK_EQ(hb_call(snd, &req, &rep, T_MS(5000)), HB_ERR_BUFFER_TOO_SMALL);
  CHECK_EQ(rep.len, 100);
  hb_msg_in rep2 = {0};
  rep2.data = big;
  rep2.cap = sizeof(big);
  CHECK_EQ(hb_call(snd, &req, &rep2, T_MS(5000)), HB_OK);
  CHECK_EQ(rep2.len, 100);
  CHECK(big[0] == 0 && big[99] == 99);
  CHECK_EQ(hb_task_wait(child, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);
  return t_done();
}
