/* reply_death: a reply capability is a one-shot right that can travel. A server may hand it
 * to a worker, who answers; if whoever holds it exits or crashes without answering, the
 * caller wakes with PEER_CLOSED, and the crash is a negative exit code. */
#include "check.h"

static volatile uintptr_t g_nowhere = 0x10;  /* volatile: gcc must not see the bad store */

/* Receives one call on its port and then: "crasher" faults, "quitter" exits,
 * "forwarder" sends the reply capability to the worker given as its second handle.
 * "ignorer" never receives: it exits with the call still waiting in (or for) its port. */
static int server(const t_start *s) {
  if (t_role_is(s, "ignorer")) {
    t_sleep(T_MS(50));
    return t_done();
  }
  CHECK_EQ(s->handle_count, t_role_is(s, "forwarder") ? 2 : 1);
  char buf[8];
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof(buf);
  CHECK_EQ(hb_recv(s->handles[0], &in, 0, T_MS(5000)), HB_OK);
  CHECK(in.reply != HB_INVALID);
  hb_handle_info_t info;
  CHECK_EQ(hb_handle_info(in.reply, &info), HB_OK);
  CHECK_EQ(info.type, HB_OBJ_REPLY);
  hb_handle_t copy;
  CHECK_EQ(hb_handle_dup(in.reply, HB_RIGHTS_SAME, &copy), HB_ERR_ACCESS);  /* one-shot */
  if (t_role_is(s, "crasher")) *(volatile int *)g_nowhere = 1;
  if (t_role_is(s, "forwarder")) {
    hb_msg_out m = {"fwd", 3, 1, &in.reply};
    CHECK_EQ(hb_send(s->handles[1], &m, 0, T_MS(5000)), HB_OK);
  }
  return t_done();  /* quitter: exits holding the reply capability */
}

/* Receives a reply capability in a message and answers through it. */
static int worker(const t_start *s) {
  CHECK_EQ(s->handle_count, 1);
  char buf[8];
  hb_handle_t reply = HB_INVALID;
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof(buf);
  in.handles = &reply;
  in.handle_cap = 1;
  CHECK_EQ(hb_recv(s->handles[0], &in, 0, T_MS(5000)), HB_OK);
  CHECK_EQ(in.handle_count, 1);
  hb_msg_out answer = {"from worker", 11, 0, 0};
  CHECK_EQ(hb_reply(reply, &answer), HB_OK);
  CHECK_EQ(hb_reply(reply, &answer), HB_ERR_BAD_HANDLE);
  return t_done();
}

/* Calls a server started as `role`; returns the call's status, *code its exit code. */
static hb_status_t call_server(const char *role, hb_handle_t worker_port, char *answer,
                               uint32_t *len, int32_t *code) {
  hb_handle_t r, snd;
  hb_task_id_t id = 0;
  CHECK_EQ(hb_port_create(HB_PORT_RENDEZVOUS, 0, 0, &r, &snd), HB_OK);
  hb_handle_t give[2] = {r, worker_port};
  CHECK_EQ(t_spawn("reply_death", role, give, worker_port ? 2 : 1, &id), HB_OK);
  hb_msg_out req = {"?", 1, 0, 0};
  hb_msg_in rep = {0};
  rep.data = answer;
  rep.cap = 16;
  hb_status_t st = hb_call(snd, &req, &rep, T_MS(5000));
  *len = rep.len;
  CHECK_EQ(hb_task_wait(id, code, T_MS(5000)), HB_OK);
  hb_handle_close(snd);
  return st;
}

int main(void) {
  t_name = "reply_death";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "worker")) return worker(&s);
  if (s.role[0]) return server(&s);

  char answer[16];
  uint32_t len = 0;
  int32_t code = 0;
  CHECK_EQ(call_server("quitter", HB_INVALID, answer, &len, &code), HB_ERR_PEER_CLOSED);
  CHECK_EQ(code, 0);
  CHECK_EQ(call_server("crasher", HB_INVALID, answer, &len, &code), HB_ERR_PEER_CLOSED);
  CHECK(code < 0);
  CHECK_EQ(call_server("ignorer", HB_INVALID, answer, &len, &code), HB_ERR_PEER_CLOSED);
  CHECK_EQ(code, 0);

  /* The server forwards the capability to a worker, which answers. */
  hb_handle_t wr, ws;
  hb_task_id_t w = 0;
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 1, 0, &wr, &ws), HB_OK);
  CHECK_EQ(t_spawn("reply_death", "worker", &wr, 1, &w), HB_OK);
  CHECK_EQ(call_server("forwarder", ws, answer, &len, &code), HB_OK);
  CHECK_EQ(code, 0);
  CHECK(len == 11 && t_equal(answer, "from worker", 11));
  int32_t wcode = -1;
  CHECK_EQ(hb_task_wait(w, &wcode, T_MS(5000)), HB_OK);
  CHECK_EQ(wcode, 0);
  return t_done();
}
