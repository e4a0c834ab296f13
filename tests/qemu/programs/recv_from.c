/* recv_from: symmetric direct naming. hb_recv with HB_RECV_FROM takes only what one task
 * sent, leaving the others' messages queued in order; a receiver blocked for one task is not
 * woken by another. Badges tell a server which send right a message came through. */
#include "check.h"

/* Sends its role's first letter to the parent's inbox, through a badged right if it was
 * given one; "late" first sleeps. */
static int sender(const t_start *s) {
  if (t_role_is(s, "late")) t_sleep(T_MS(50));
  hb_msg_out m = {s->role, 1, 0, 0};
  if (s->handle_count == 1)
    CHECK_EQ(hb_send(s->handles[0], &m, 0, T_MS(5000)), HB_OK);
  else
    CHECK_EQ(hb_send_task(s->sender, &m, 0, T_MS(5000)), HB_OK);
  return t_done();
}

static hb_task_id_t start(const char *role, hb_handle_t handle) {
  hb_task_id_t id = 0;
  CHECK_EQ(t_spawn("recv_from", role, &handle, handle ? 1 : 0, &id), HB_OK);
  return id;
}

static void finish(hb_task_id_t id) {
  int32_t code = -1;
  CHECK_EQ(hb_task_wait(id, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);
}

/* Receives from `from` (0: anyone) on `port`; checks the byte, the sender and the badge. */
static void expect(hb_handle_t port, hb_task_id_t from, hb_time_t timeout, char byte,
                   hb_task_id_t sender, uint64_t badge) {
  char buf[4] = {0};
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof(buf);
  in.sender = from;
  CHECK_EQ(hb_recv(port, &in, from ? HB_RECV_FROM : 0, timeout), HB_OK);
  CHECK_EQ(in.len, 1);
  CHECK_EQ(buf[0], byte);
  CHECK_EQ(in.sender, sender);
  CHECK_EQ(in.badge, badge);
}

int main(void) {
  t_name = "recv_from";
  t_start s;
  t_get_start(&s);
  if (s.role[0]) return sender(&s);

  /* a then b queued in our inbox (each child has exited: its message is there). */
  hb_task_id_t a = start("a", HB_INVALID);
  finish(a);
  hb_task_id_t b = start("b", HB_INVALID);
  finish(b);
  hb_msg_in in = {0};
  char buf[4];
  in.data = buf;
  in.cap = sizeof(buf);
  in.sender = 0;
  CHECK_EQ(hb_recv(HB_INBOX, &in, HB_RECV_FROM, HB_NOWAIT), HB_ERR_INVALID_ARG);
  in.sender = hb_task_self();
  CHECK_EQ(hb_recv(HB_INBOX, &in, HB_RECV_FROM, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  expect(HB_INBOX, b, HB_NOWAIT, 'b', b, 0);  /* b's, although a's came first */
  in.sender = b;
  CHECK_EQ(hb_recv(HB_INBOX, &in, HB_RECV_FROM, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  expect(HB_INBOX, 0, HB_NOWAIT, 'a', a, 0);
  CHECK_EQ(hb_recv(HB_INBOX, &in, 0, HB_NOWAIT), HB_ERR_WOULD_BLOCK);

  /* Blocked for "late" while "d" sends first: d's message waits in the queue. */
  hb_task_id_t d = start("d", HB_INVALID);
  hb_task_id_t late = start("late", HB_INVALID);
  expect(HB_INBOX, late, T_MS(5000), 'l', late, 0);
  expect(HB_INBOX, 0, T_MS(5000), 'd', d, 0);
  finish(d);
  finish(late);

  /* Badges: two minted send rights to one port; the receiver tells them apart. */
  hb_handle_t r, snd, b7, b42, h;
  hb_handle_info_t info;
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 4, 0, &r, &snd), HB_OK);
  CHECK_EQ(hb_badge_mint(snd, 0, &h), HB_ERR_INVALID_ARG);
  CHECK_EQ(hb_badge_mint(snd, 7, &b7), HB_OK);
  CHECK_EQ(hb_badge_mint(snd, 42, &b42), HB_OK);
  CHECK_EQ(hb_badge_mint(b7, 8, &h), HB_ERR_ACCESS);  /* already badged */
  CHECK_EQ(hb_badge_mint(r, 9, &h), HB_ERR_ACCESS);   /* a receive right */
  CHECK_EQ(hb_handle_info(b42, &info), HB_OK);
  CHECK_EQ(info.badge, 42);
  hb_task_id_t x = start("x", b7);
  finish(x);
  hb_task_id_t y = start("y", b42);
  finish(y);
  CHECK_EQ(t_send_text(snd, "z", HB_NOWAIT), HB_OK);
  expect(r, 0, HB_NOWAIT, 'x', x, 7);
  expect(r, 0, HB_NOWAIT, 'y', y, 42);
  expect(r, 0, HB_NOWAIT, 'z', hb_task_self(), 0);
  return t_done();
}
