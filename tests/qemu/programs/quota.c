/* quota: an unbounded port never blocks its sender; what is queued is charged to the
 * sender's quota, so a flooding sender gets HB_ERR_NO_MEMORY (and nobody dies), the
 * receiver's own quota is untouched, and receiving the messages gives the quota back. */
#include "check.h"

#define CHUNK 4096
#define MAX_SENDS 100000

typedef struct chunk {
  uint32_t seq;
  char fill[CHUNK - 4];
} chunk;

static chunk g_chunk;

/* handles: the flood port's send right, a semaphore to say "done". */
static int flooder(const t_start *s) {
  CHECK_EQ(s->handle_count, 2);
  hb_msg_out m = {&g_chunk, sizeof(g_chunk), 0, 0};
  hb_status_t st = HB_OK;
  uint32_t sent = 0;
  for (; sent < MAX_SENDS; ++sent) {
    g_chunk.seq = sent;
    st = hb_send(s->handles[0], &m, 0, HB_NOWAIT);
    if (st != HB_OK) break;
  }
  CHECK_EQ(st, HB_ERR_NO_MEMORY);
  CHECK(sent > 0);
  CHECK_EQ(hb_sem_post(s->handles[1], 1), HB_OK);
  char buf[8];
  CHECK_EQ(t_recv(HB_INBOX, buf, sizeof(buf), 0, T_MS(10000)), HB_OK);  /* "drained" */
  /* The quota came back: the count goes through the same port. */
  hb_msg_out count = {&sent, sizeof(sent), 0, 0};
  CHECK_EQ(hb_send(s->handles[0], &count, 0, HB_NOWAIT), HB_OK);
  return t_done();
}

int main(void) {
  t_name = "quota";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "flooder")) return flooder(&s);

  hb_handle_t r, snd, sem, give[2];
  CHECK_EQ(hb_port_create(HB_PORT_UNBOUNDED, 0, 0, &r, &snd), HB_OK);
  CHECK_EQ(hb_sem_create(0, 1, &sem), HB_OK);
  CHECK_EQ(hb_handle_dup(sem, HB_RIGHTS_SAME, &give[1]), HB_OK);
  give[0] = snd;
  hb_task_id_t child = 0;
  CHECK_EQ(t_spawn("quota", "flooder", give, 2, &child), HB_OK);
  CHECK_EQ(hb_sem_wait(sem, T_MS(20000)), HB_OK);

  /* Our quota is ours: we can still queue a chunk of our own. */
  hb_handle_t r2, s2;
  CHECK_EQ(hb_port_create(HB_PORT_UNBOUNDED, 0, 0, &r2, &s2), HB_OK);
  hb_msg_out mine = {&g_chunk, sizeof(g_chunk), 0, 0};
  CHECK_EQ(hb_send(s2, &mine, 0, HB_NOWAIT), HB_OK);

  /* Every chunk is there, once, in order. */
  uint32_t received = 0, wrong = 0, len = 0;
  hb_status_t st;
  while ((st = t_recv(r, (char *)&g_chunk, sizeof(g_chunk), &len, HB_NOWAIT)) == HB_OK) {
    if (len != sizeof(g_chunk) || g_chunk.seq != received) ++wrong;
    ++received;
  }
  CHECK_EQ(st, HB_ERR_WOULD_BLOCK);
  CHECK_EQ(wrong, 0);
  CHECK(received > 0);
  hb_msg_out drained = {"drained", 7, 0, 0};
  CHECK_EQ(hb_send_task(child, &drained, 0, T_MS(5000)), HB_OK);
  uint32_t count = 0;
  CHECK_EQ(t_recv(r, (char *)&count, sizeof(count), &len, T_MS(5000)), HB_OK);
  CHECK_EQ(len, sizeof(count));
  CHECK_EQ(count, received);
  int32_t code = -1;
  CHECK_EQ(hb_task_wait(child, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);
  return t_done();
}
