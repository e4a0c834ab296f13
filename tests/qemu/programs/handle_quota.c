/* handle_quota: a task's handle table and port count are bounded by its quota. Running out
 * is HB_ERR_NO_MEMORY and changes nothing; a message whose handles do not fit stays queued
 * until room is made; closing gives the quota back. */
#include "check.h"

#define MAX_TRIES 5000

static hb_handle_t g_dups[MAX_TRIES];

/* Sends the parent a message carrying a semaphore. */
static int giver(const t_start *s) {
  hb_handle_t sem;
  CHECK_EQ(hb_sem_create(1, 1, &sem), HB_OK);
  hb_msg_out m = {"sem", 3, 1, &sem};
  CHECK_EQ(hb_send_task(s->sender, &m, 0, T_MS(5000)), HB_OK);
  return t_done();
}

static hb_status_t recv_handle(hb_handle_t *h, uint32_t *len) {
  char buf[8];
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof(buf);
  in.handles = h;
  in.handle_cap = 1;
  hb_status_t st = hb_recv(HB_INBOX, &in, 0, HB_NOWAIT);
  *len = in.len;
  return st;
}

int main(void) {
  t_name = "handle_quota";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "giver")) return giver(&s);

  /* Ports: until the quota says no; one closed makes room for one. */
  hb_handle_t r0, s0, r, snd;
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 1, 0, &r0, &s0), HB_OK);
  uint32_t ports = 1;
  hb_status_t st = HB_OK;
  hb_handle_t last_r = r0, last_s = s0;
  while (ports < MAX_TRIES && (st = hb_port_create(HB_PORT_BOUNDED, 1, 0, &r, &snd)) == HB_OK) {
    ++ports;
    last_r = r;
    last_s = snd;
  }
  CHECK_EQ(st, HB_ERR_NO_MEMORY);
  CHECK(ports > 1);
  CHECK_EQ(hb_handle_close(last_r), HB_OK);  /* the port dies: its quota comes back */
  CHECK_EQ(hb_handle_close(last_s), HB_OK);
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 1, 0, &r, &snd), HB_OK);
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 1, 0, &last_r, &last_s), HB_ERR_NO_MEMORY);
  /* The child is spawned while we still have handles to spare. */
  hb_task_id_t child = 0;
  CHECK_EQ(t_spawn("handle_quota", "giver", 0, 0, &child), HB_OK);
  int32_t code = -1;
  CHECK_EQ(hb_task_wait(child, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);

  /* Handles: fill the table with copies of one send right. */
  uint32_t dups = 0;
  while (dups < MAX_TRIES && (st = hb_handle_dup(s0, HB_RIGHTS_SAME, &g_dups[dups])) == HB_OK)
    ++dups;
  CHECK_EQ(st, HB_ERR_NO_MEMORY);
  CHECK(dups > 0 && dups < MAX_TRIES);
  uint32_t filled = dups;
  /* The giver's message is queued; its handle has no slot: it stays. */
  hb_handle_t got = HB_INVALID;
  uint32_t len = 0;
  CHECK_EQ(recv_handle(&got, &len), HB_ERR_NO_MEMORY);
  CHECK_EQ(got, HB_INVALID);
  CHECK_EQ(recv_handle(&got, &len), HB_ERR_NO_MEMORY);  /* still there */
  CHECK_EQ(hb_handle_close(g_dups[--dups]), HB_OK);
  CHECK_EQ(recv_handle(&got, &len), HB_OK);
  CHECK_EQ(len, 3);
  CHECK_EQ(hb_sem_wait(got, HB_NOWAIT), HB_OK);  /* the giver's semaphore, with its unit */
  CHECK_EQ(recv_handle(&got, &len), HB_ERR_WOULD_BLOCK);  /* delivered once */
  /* Everything back: as many copies can be made again. */
  while (dups > 0) CHECK_EQ(hb_handle_close(g_dups[--dups]), HB_OK);
  CHECK_EQ(hb_handle_close(got), HB_OK);
  uint32_t again = 0;
  while (again < MAX_TRIES && hb_handle_dup(s0, HB_RIGHTS_SAME, &g_dups[again]) == HB_OK) ++again;
  CHECK_EQ(again, filled);
  while (again > 0) CHECK_EQ(hb_handle_close(g_dups[--again]), HB_OK);
  return t_done();
}
