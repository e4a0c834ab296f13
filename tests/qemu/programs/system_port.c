/* system_port: a port made with HB_PORT_SYSTEM is owned by the kernel: it outlives the task
 * that made it. With HB_PORT_SHARED_RECV several tasks hold its receive right, and the one
 * that has waited longest gets the next message. */
#include "check.h"

/* Makes a system port with a shared receive right, gives the parent a send right and a
 * receive right, and exits. */
static int maker(const t_start *s) {
  hb_handle_t r, snd;
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 4, HB_PORT_SHARED_RECV, &r, &snd),
           HB_ERR_INVALID_ARG);  /* shared needs system */
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 4, HB_PORT_SYSTEM | HB_PORT_SHARED_RECV, &r, &snd),
           HB_OK);
  hb_handle_t give[2] = {r, snd};
  hb_msg_out m = {"port", 4, 2, give};
  CHECK_EQ(hb_send_task(s->sender, &m, 0, T_MS(5000)), HB_OK);
  return t_done();
}

/* Says "ready", waits on the shared port, and sends the parent the first byte it got.
 * "small" waits with a 1-byte buffer, expects BUFFER_TOO_SMALL and reports 'T'. */
static int receiver(const t_start *s) {
  CHECK_EQ(s->handle_count, 1);
  hb_msg_out ready = {"ready", 5, 0, 0};
  CHECK_EQ(hb_send_task(s->sender, &ready, 0, T_MS(5000)), HB_OK);
  char got[4];
  uint32_t len = 0;
  if (t_role_is(s, "small")) {
    CHECK_EQ(t_recv(s->handles[0], got, 1, &len, T_MS(10000)), HB_ERR_BUFFER_TOO_SMALL);
    got[0] = 'T';
  } else {
    CHECK_EQ(t_recv(s->handles[0], got, sizeof(got), &len, T_MS(10000)), HB_OK);
    CHECK(len >= 1);
  }
  hb_msg_out report = {got, 1, 0, 0};
  CHECK_EQ(hb_send_task(s->sender, &report, 0, T_MS(5000)), HB_OK);
  return t_done();
}

static hb_task_id_t start_receiver(hb_handle_t shared, const char *role) {
  hb_handle_t dup;
  hb_task_id_t id = 0;
  CHECK_EQ(hb_handle_dup(shared, HB_RIGHTS_SAME, &dup), HB_OK);
  CHECK_EQ(t_spawn("system_port", role, &dup, 1, &id), HB_OK);
  char buf[8];
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof(buf);
  in.sender = id;
  CHECK_EQ(hb_recv(HB_INBOX, &in, HB_RECV_FROM, T_MS(5000)), HB_OK);  /* "ready" */
  t_sleep(T_MS(200));  /* time to block in its receive */
  return id;
}

/* What `id` reported receiving. */
static char report_of(hb_task_id_t id) {
  char buf[8] = {0};
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof(buf);
  in.sender = id;
  CHECK_EQ(hb_recv(HB_INBOX, &in, HB_RECV_FROM, T_MS(5000)), HB_OK);
  CHECK_EQ(in.len, 1);
  return buf[0];
}

int main(void) {
  t_name = "system_port";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "maker")) return maker(&s);
  if (t_role_is(&s, "receiver") || t_role_is(&s, "small")) return receiver(&s);

  /* The maker exits before we use its port. */
  hb_task_id_t child = 0;
  int32_t code = -1;
  CHECK_EQ(t_spawn("system_port", "maker", 0, 0, &child), HB_OK);
  char buf[8];
  hb_handle_t h[2] = {HB_INVALID, HB_INVALID};
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof(buf);
  in.handles = h;
  in.handle_cap = 2;
  CHECK_EQ(hb_recv(HB_INBOX, &in, 0, T_MS(5000)), HB_OK);
  CHECK_EQ(in.handle_count, 2);
  CHECK_EQ(hb_task_wait(child, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);
  hb_handle_t r = h[0], snd = h[1];
  uint32_t len = 0;
  CHECK_EQ(t_send_text(snd, "alive", HB_NOWAIT), HB_OK);
  CHECK_EQ(t_recv(r, buf, sizeof(buf), &len, HB_NOWAIT), HB_OK);
  CHECK(len == 5 && t_equal(buf, "alive", 5));

  /* Two receivers wait, the first one longest: messages go to them in that order. */
  hb_task_id_t first = start_receiver(r, "receiver");
  hb_task_id_t second = start_receiver(r, "receiver");
  CHECK_EQ(t_send_text(snd, "1", HB_NOWAIT), HB_OK);
  CHECK_EQ(t_send_text(snd, "2", HB_NOWAIT), HB_OK);
  CHECK_EQ(report_of(first), '1');
  CHECK_EQ(report_of(second), '2');
  CHECK_EQ(hb_task_wait(first, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);
  CHECK_EQ(hb_task_wait(second, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);
  /* The longest waiter's buffer is too small: it wakes with the error, and the message
   * goes on to the next receiver (docs/design.md, Ports). */
  hb_task_id_t small = start_receiver(r, "small");
  hb_task_id_t big = start_receiver(r, "receiver");
  CHECK_EQ(t_send_text(snd, "xy", HB_NOWAIT), HB_OK);
  CHECK_EQ(report_of(small), 'T');
  CHECK_EQ(report_of(big), 'x');
  CHECK_EQ(hb_task_wait(small, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);
  CHECK_EQ(hb_task_wait(big, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);
  CHECK_EQ(t_recv(r, buf, sizeof(buf), &len, HB_NOWAIT), HB_ERR_WOULD_BLOCK);  /* once */
  /* Our receive right closed: a system port lives on while any handle to it does. */
  CHECK_EQ(hb_handle_close(r), HB_OK);
  CHECK_EQ(t_send_text(snd, "3", HB_NOWAIT), HB_OK);
  return t_done();
}
