/* bounded_queue: a capacity-n port: FIFO, full (WOULD_BLOCK / the sender blocks), empty,
 * a too-small buffer, and end of stream when the last sender goes. */
#include "check.h"

static int producer(const t_start *s) {
  CHECK_EQ(s->handle_count, 1);
  for (char i = 0; i < 5; ++i) {
    hb_msg_out m = {&i, 1, 0, 0};
    CHECK_EQ(hb_send(s->handles[0], &m, 0, HB_FOREVER), HB_OK);  /* blocks when full */
  }
  return t_done();  /* exiting closes the last send right */
}

int main(void) {
  t_name = "bounded_queue";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "producer")) return producer(&s);

  hb_handle_t r, snd;
  char buf[16];
  uint32_t len = 0;
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 2, 0, &r, &snd), HB_OK);
  CHECK_EQ(t_send_text(snd, "a", HB_NOWAIT), HB_OK);
  CHECK_EQ(t_send_text(snd, "b", HB_NOWAIT), HB_OK);
  CHECK_EQ(t_send_text(snd, "c", HB_NOWAIT), HB_ERR_WOULD_BLOCK); /* full */
  CHECK_EQ(t_recv(r, buf, sizeof(buf), &len, HB_NOWAIT), HB_OK);
  CHECK(len == 1 && buf[0] == 'a');                                /* FIFO */
  CHECK_EQ(t_recv(r, buf, sizeof(buf), &len, HB_NOWAIT), HB_OK);
  CHECK(len == 1 && buf[0] == 'b');
  CHECK_EQ(t_recv(r, buf, sizeof(buf), &len, HB_NOWAIT), HB_ERR_WOULD_BLOCK); /* empty */

  /* A buffer too small: the message stays queued and len says what is needed. */
  CHECK_EQ(t_send_text(snd, "hello", HB_NOWAIT), HB_OK);
  CHECK_EQ(t_recv(r, buf, 2, &len, HB_NOWAIT), HB_ERR_BUFFER_TOO_SMALL);
  CHECK_EQ(len, 5);
  CHECK_EQ(t_recv(r, buf, sizeof(buf), &len, HB_NOWAIT), HB_OK);
  CHECK(len == 5 && t_equal(buf, "hello", 5));
  hb_handle_close(r);
  hb_handle_close(snd);

  /* A producer that blocks on a full queue of capacity 1 while we sleep. */
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 1, 0, &r, &snd), HB_OK);
  hb_task_id_t child = 0;
  CHECK_EQ(t_spawn("bounded_queue", "producer", &snd, 1, &child), HB_OK);
  t_sleep(T_MS(30));
  for (char i = 0; i < 5; ++i) {
    CHECK_EQ(t_recv(r, buf, sizeof(buf), &len, T_MS(5000)), HB_OK);
    CHECK(len == 1 && buf[0] == i);
  }
  int32_t code = -1;
  CHECK_EQ(hb_task_wait(child, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);
  /* The producer held the last send right: the empty queue is now the end of the stream. */
  CHECK_EQ(t_recv(r, buf, sizeof(buf), &len, HB_NOWAIT), HB_ERR_PEER_CLOSED);
  return t_done();
}
