/* sync_send: HB_SEND_SYNC, the textbook's blocking send, on ports that have room: the sender
 * returns only once a receiver has taken its message (not when it is queued, nor when an
 * earlier message is taken); a sync send that fails is withdrawn, never delivered. */
#include "check.h"

/* Sends `text` with HB_SEND_SYNC, then tells the parent what the send returned. */
static int sync_sender(const t_start *s, const char *text) {
  CHECK_EQ(s->handle_count, 1);
  hb_msg_out m = {text, t_len(text), 0, 0};
  hb_status_t st = hb_send(s->handles[0], &m, HB_SEND_SYNC, T_MS(10000));
  hb_msg_out done = {&st, sizeof(st), 0, 0};
  CHECK_EQ(hb_send_task(s->sender, &done, 0, T_MS(5000)), HB_OK);
  return t_done();
}

/* The status the sync sender reported, or the error of waiting for it. */
static hb_status_t sender_result(hb_time_t timeout) {
  hb_status_t st = 1;
  uint32_t len = 0;
  hb_status_t got = t_recv(HB_INBOX, (char *)&st, sizeof(st), &len, timeout);
  if (got != HB_OK) return got;
  CHECK_EQ(len, sizeof(st));
  return st;
}

static void expect_text(hb_handle_t port, const char *text) {
  char buf[16];
  uint32_t len = 0;
  CHECK_EQ(t_recv(port, buf, sizeof(buf), &len, T_MS(5000)), HB_OK);
  CHECK(len == t_len(text) && t_equal(buf, text, len));
}

/* A sync send alone on each kind of port: NOWAIT and a timeout both fail, and the port
 * is empty afterwards (the message was withdrawn). */
static void alone(uint32_t mode, uint32_t capacity) {
  hb_handle_t r, snd;
  char buf[8];
  CHECK_EQ(hb_port_create(mode, capacity, 0, &r, &snd), HB_OK);
  hb_msg_out m = {"s", 1, 0, 0};
  CHECK_EQ(hb_send(snd, &m, HB_SEND_SYNC, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  CHECK_EQ(t_recv(r, buf, sizeof(buf), 0, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  CHECK_EQ(hb_send(snd, &m, HB_SEND_SYNC, T_MS(20)), HB_ERR_TIMED_OUT);
  CHECK_EQ(t_recv(r, buf, sizeof(buf), 0, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  /* An ordinary send on the same port is not affected. */
  if (mode != HB_PORT_RENDEZVOUS) {
    CHECK_EQ(t_send_text(snd, "n", HB_NOWAIT), HB_OK);
    uint32_t len = 0;
    CHECK_EQ(t_recv(r, buf, sizeof(buf), &len, HB_NOWAIT), HB_OK);
    CHECK(len == 1 && buf[0] == 'n');
  }
  CHECK_EQ(hb_handle_close(r), HB_OK);
  CHECK_EQ(hb_handle_close(snd), HB_OK);
}

int main(void) {
  t_name = "sync_send";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "sender")) return sync_sender(&s, "b");

  alone(HB_PORT_RENDEZVOUS, 0);
  alone(HB_PORT_BOUNDED, 4);
  alone(HB_PORT_UNBOUNDED, 0);

  /* (1) "a" is queued by an ordinary send; (2) the child sync-sends "b" behind it and
   * blocks; (3) taking "a" does not release it; (4) taking "b" does. */
  hb_handle_t r, snd, dup;
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 4, 0, &r, &snd), HB_OK);
  CHECK_EQ(t_send_text(snd, "a", HB_NOWAIT), HB_OK);
  CHECK_EQ(hb_handle_dup(snd, HB_RIGHTS_SAME, &dup), HB_OK);
  hb_task_id_t child = 0;
  CHECK_EQ(t_spawn("sync_send", "sender", &dup, 1, &child), HB_OK);
  t_sleep(T_MS(50));
  CHECK_EQ(sender_result(HB_NOWAIT), HB_ERR_WOULD_BLOCK);  /* (2) still blocked */
  expect_text(r, "a");
  t_sleep(T_MS(50));
  CHECK_EQ(sender_result(HB_NOWAIT), HB_ERR_WOULD_BLOCK);  /* (3) still blocked */
  expect_text(r, "b");
  CHECK_EQ(sender_result(T_MS(5000)), HB_OK);              /* (4) */
  int32_t code = -1;
  CHECK_EQ(hb_task_wait(child, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);

  /* A sync sender blocked on a port that dies wakes with PEER_CLOSED. */
  CHECK_EQ(hb_handle_dup(snd, HB_RIGHTS_SAME, &dup), HB_OK);
  CHECK_EQ(t_spawn("sync_send", "sender", &dup, 1, &child), HB_OK);
  t_sleep(T_MS(50));
  CHECK_EQ(hb_handle_close(r), HB_OK);  /* the receive right: the port dies */
  CHECK_EQ(sender_result(T_MS(5000)), HB_ERR_PEER_CLOSED);
  CHECK_EQ(hb_task_wait(child, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);
  CHECK_EQ(t_send_text(snd, "x", HB_NOWAIT), HB_ERR_PEER_CLOSED);
  return t_done();
}
