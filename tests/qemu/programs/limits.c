/* limits: HB_MSG_MAX bytes and HB_MSG_HANDLES_MAX handles go through, byte for byte, between
 * two address spaces; one more of either is HB_ERR_TOO_BIG and changes nothing. */
#include "check.h"

static char g_big[HB_MSG_MAX + 1];
static char g_in[HB_MSG_MAX];

static uint8_t pattern(uint32_t i) { return (uint8_t)(i * 7 + i / 256); }

/* Receives the biggest message on its port and sends it back to the parent's inbox. */
static int echo(const t_start *s) {
  CHECK_EQ(s->handle_count, 1);
  hb_msg_in in = {0};
  in.data = g_in;
  in.cap = sizeof(g_in);
  CHECK_EQ(hb_recv(s->handles[0], &in, 0, T_MS(5000)), HB_OK);
  CHECK_EQ(in.len, HB_MSG_MAX);
  hb_msg_out back = {g_in, in.len, 0, 0};
  CHECK_EQ(hb_send_task(s->sender, &back, 0, T_MS(5000)), HB_OK);
  return t_done();
}

static void handles(void) {
  hb_handle_t r, snd, many[HB_MSG_HANDLES_MAX + 1], got[HB_MSG_HANDLES_MAX];
  hb_handle_info_t info;
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 1, 0, &r, &snd), HB_OK);
  for (uint32_t i = 0; i <= HB_MSG_HANDLES_MAX; ++i)
    CHECK_EQ(hb_sem_create(0, i + 1, &many[i]), HB_OK);
  hb_msg_out m = {"h", 1, HB_MSG_HANDLES_MAX + 1, many};
  CHECK_EQ(hb_send(snd, &m, 0, HB_NOWAIT), HB_ERR_TOO_BIG);
  for (uint32_t i = 0; i <= HB_MSG_HANDLES_MAX; ++i)
    CHECK_EQ(hb_handle_info(many[i], &info), HB_OK);  /* all still ours */
  m.handle_count = HB_MSG_HANDLES_MAX;
  CHECK_EQ(hb_send(snd, &m, 0, HB_NOWAIT), HB_OK);
  CHECK_EQ(hb_handle_info(many[0], &info), HB_ERR_BAD_HANDLE);
  CHECK_EQ(hb_handle_info(many[HB_MSG_HANDLES_MAX], &info), HB_OK);  /* not sent */
  char buf[4];
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof(buf);
  in.handles = got;
  in.handle_cap = HB_MSG_HANDLES_MAX;
  CHECK_EQ(hb_recv(r, &in, 0, HB_NOWAIT), HB_OK);
  CHECK_EQ(in.handle_count, HB_MSG_HANDLES_MAX);
  /* In order: the i-th is the semaphore whose max is i + 1 (post i + 1 fits, i + 2 not). */
  for (uint32_t i = 0; i < HB_MSG_HANDLES_MAX; ++i) {
    CHECK_EQ(hb_sem_post(got[i], i + 1), HB_OK);
    CHECK_EQ(hb_sem_post(got[i], 1), HB_ERR_INVALID_ARG);
    hb_handle_close(got[i]);
  }
  hb_handle_close(many[HB_MSG_HANDLES_MAX]);
  hb_handle_close(r);
  hb_handle_close(snd);
}

int main(void) {
  t_name = "limits";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "echo")) return echo(&s);

  handles();
  CHECK_EQ(hb_debug_write(g_big, 4097), HB_ERR_TOO_BIG);

  for (uint32_t i = 0; i <= HB_MSG_MAX; ++i) g_big[i] = (char)pattern(i);
  hb_handle_t r, snd, dup;
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 1, 0, &r, &snd), HB_OK);
  hb_msg_out m = {g_big, HB_MSG_MAX + 1, 0, 0};
  CHECK_EQ(hb_send(snd, &m, 0, HB_NOWAIT), HB_ERR_TOO_BIG);
  CHECK_EQ(t_recv(r, g_in, sizeof(g_in), 0, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  CHECK_EQ(hb_send_task(hb_task_self(), &m, 0, HB_NOWAIT), HB_ERR_TOO_BIG);

  /* 64 KiB there and back. */
  CHECK_EQ(hb_handle_dup(r, HB_RIGHTS_SAME, &dup), HB_ERR_ACCESS);  /* no DUP on a receive right */
  hb_task_id_t child = 0;
  CHECK_EQ(t_spawn("limits", "echo", &r, 1, &child), HB_OK);
  m.len = HB_MSG_MAX;
  CHECK_EQ(hb_send(snd, &m, 0, T_MS(5000)), HB_OK);
  for (uint32_t i = 0; i < HB_MSG_MAX; ++i) g_in[i] = 0;
  uint32_t len = 0;
  CHECK_EQ(t_recv(HB_INBOX, g_in, sizeof(g_in), &len, T_MS(5000)), HB_OK);
  CHECK_EQ(len, HB_MSG_MAX);
  uint32_t wrong = 0;
  for (uint32_t i = 0; i < HB_MSG_MAX; ++i)
    if ((uint8_t)g_in[i] != pattern(i)) ++wrong;
  CHECK_EQ(wrong, 0);
  int32_t code = -1;
  CHECK_EQ(hb_task_wait(child, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);
  return t_done();
}
