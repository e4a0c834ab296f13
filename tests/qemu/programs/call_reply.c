/* call_reply: a server loop on hb_reply_recv; the client's hb_call gets the answer through
 * a one-shot reply capability; a dropped reply capability wakes the caller with PEER_CLOSED. */
#include "check.h"

static int server(const t_start *s) {
  CHECK_EQ(s->handle_count, 1);
  hb_handle_t port = s->handles[0];
  hb_handle_t reply = HB_INVALID;
  hb_msg_out answer = {0, 0, 0, 0};
  int64_t n = 0, out = 0;
  for (;;) {
    hb_msg_in in = {0};
    in.data = &n;
    in.cap = sizeof(n);
    hb_status_t st = hb_reply_recv(reply, reply ? &answer : 0, port, &in, T_MS(10000));
    if (st == HB_ERR_PEER_CLOSED) break;  /* the client closed the last send right */
    CHECK_EQ(st, HB_OK);
    if (st != HB_OK) break;
    CHECK(in.reply != HB_INVALID);
    if (n == 99) {  /* drop the reply capability: the caller must wake, not hang */
      CHECK_EQ(hb_handle_close(in.reply), HB_OK);
      reply = HB_INVALID;
      continue;
    }
    out = n + 1;
    answer.data = &out;
    answer.len = sizeof(out);
    reply = in.reply;
  }
  return t_done();
}

static hb_status_t call(hb_handle_t port, int64_t n, int64_t *out) {
  hb_msg_out req = {&n, sizeof(n), 0, 0};
  hb_msg_in rep = {0};
  rep.data = out;
  rep.cap = sizeof(*out);
  hb_status_t st = hb_call(port, &req, &rep, T_MS(5000));
  if (st == HB_OK) CHECK_EQ(rep.len, sizeof(*out));
  return st;
}

int main(void) {
  t_name = "call_reply";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "server")) return server(&s);

  hb_handle_t r, snd;
  CHECK_EQ(hb_port_create(HB_PORT_RENDEZVOUS, 0, 0, &r, &snd), HB_OK);
  hb_task_id_t child = 0;
  CHECK_EQ(t_spawn("call_reply", "server", &r, 1, &child), HB_OK);  /* receive right moved */
  for (int64_t i = 0; i < 10; ++i) {
    int64_t out = -1;
    CHECK_EQ(call(snd, i * 10, &out), HB_OK);
    CHECK_EQ(out, i * 10 + 1);
  }
  int64_t out = -1;
  CHECK_EQ(call(snd, 99, &out), HB_ERR_PEER_CLOSED);
  CHECK_EQ(call(snd, 5, &out), HB_OK);  /* the server is still there */
  CHECK_EQ(out, 6);
  CHECK_EQ(hb_handle_close(snd), HB_OK);
  int32_t code = -1;
  CHECK_EQ(hb_task_wait(child, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);
  return t_done();
}
