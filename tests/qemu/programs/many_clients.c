/* many_clients: one server, many clients at once. Every client's every call gets its own
 * answer (never another client's), the server's reply_recv loop sees each request once, and
 * when the last client is gone the server's receive says so (PEER_CLOSED). */
#include "check.h"

#define CLIENTS 24
#define CALLS 40

/* Calls the server CALLS times with (its id, i); the answer must be id * 1000 + i + 1. */
static int client(const t_start *s) {
  CHECK_EQ(s->handle_count, 1);
  uint64_t self = hb_task_self();
  for (uint32_t i = 0; i < CALLS; ++i) {
    uint64_t req[2] = {self, i}, answer = 0;
    hb_msg_out m = {req, sizeof(req), 0, 0};
    hb_msg_in rep = {0};
    rep.data = &answer;
    rep.cap = sizeof(answer);
    CHECK_EQ(hb_call(s->handles[0], &m, &rep, T_MS(20000)), HB_OK);
    CHECK_EQ(answer, self * 1000 + i + 1);
    if (t_failures) break;
  }
  return t_done();
}

int main(void) {
  t_name = "many_clients";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "client")) return client(&s);

  hb_handle_t r, snd;
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 8, 0, &r, &snd), HB_OK);
  hb_task_id_t ids[CLIENTS];
  uint32_t next_call[CLIENTS];
  for (int c = 0; c < CLIENTS; ++c) {
    hb_handle_t dup;
    next_call[c] = 0;
    CHECK_EQ(hb_handle_dup(snd, HB_RIGHTS_SAME, &dup), HB_OK);
    CHECK_EQ(t_spawn("many_clients", "client", &dup, 1, &ids[c]), HB_OK);
  }
  CHECK_EQ(hb_handle_close(snd), HB_OK);  /* the clients hold the only send rights now */

  /* Serve until every client is gone. Requests of one client arrive in order. */
  hb_handle_t reply = HB_INVALID;
  uint64_t answer = 0, req[2];
  hb_msg_out out = {&answer, sizeof(answer), 0, 0};
  uint32_t served = 0, unknown = 0, out_of_order = 0;
  hb_status_t st;
  for (;;) {
    hb_msg_in in = {0};
    in.data = req;
    in.cap = sizeof(req);
    st = hb_reply_recv(reply, reply ? &out : 0, r, &in, T_MS(30000));
    reply = HB_INVALID;
    if (st != HB_OK) break;
    int c = 0;
    while (c < CLIENTS && ids[c] != in.sender) ++c;
    if (c == CLIENTS || req[0] != in.sender) {
      ++unknown;
      hb_handle_close(in.reply);
      continue;
    }
    if (req[1] != next_call[c]) ++out_of_order;
    next_call[c] = (uint32_t)req[1] + 1;
    ++served;
    answer = req[0] * 1000 + req[1] + 1;
    reply = in.reply;
  }
  CHECK_EQ(st, HB_ERR_PEER_CLOSED);
  CHECK_EQ(served, CLIENTS * CALLS);
  CHECK_EQ(unknown, 0);
  CHECK_EQ(out_of_order, 0);
  for (int c = 0; c < CLIENTS; ++c) {
    int32_t code = -1;
    CHECK_EQ(hb_task_wait(ids[c], &code, T_MS(5000)), HB_OK);
    CHECK_EQ(code, 0);
  }
  return t_done();
}
