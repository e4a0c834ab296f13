/* task_kill: hb_task_kill (SPEC 3). A parent ends its own child the Harbor way: a child that
 * spins (on another core with -smp 2) and a child blocked in a receive both end, and the
 * parent's hb_task_wait reports -9; a port the child owned dies with it; nobody but the
 * parent may kill (HB_ERR_ACCESS), and an unknown id is HB_ERR_NOT_FOUND. */
#include "check.h"

static volatile uint64_t g_spins;

static int spinner(void) {
  for (uint64_t round = 0;; ++round) {
    if (round == ~(uint64_t)0) return 1; /* never: it is killed long before */
    for (int i = 0; i < 100000; ++i) g_spins = g_spins + 1;  /* user code, no syscall */
    hb_yield();  /* a syscall now and then: the deterministic scheduler needs one */
  }
}

/* Hands its parent a send right to a port it owns, then waits on that port for ever. */
static int sleeper(const t_start *s) {
  hb_handle_t r, snd;
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 1, 0, &r, &snd), HB_OK);
  hb_msg_out m = {"port", 4, 1, &snd};
  CHECK_EQ(hb_send_task(s->sender, &m, 0, T_MS(5000)), HB_OK);
  char buf[8];
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof(buf);
  hb_recv(r, &in, 0, HB_FOREVER);  /* "wake" never comes: it is killed here */
  return 7;
}

/* A grandchild's id, to check that a grandparent may not kill it. */
static int middle(const t_start *s) {
  hb_task_id_t grandchild = 0;
  CHECK_EQ(t_spawn("task_kill", "spinner", 0, 0, &grandchild), HB_OK);
  hb_msg_out m = {&grandchild, sizeof(grandchild), 0, 0};
  CHECK_EQ(hb_send_task(s->sender, &m, 0, T_MS(5000)), HB_OK);
  char go[4];
  hb_msg_in in = {0};
  in.data = go;
  in.cap = sizeof(go);
  CHECK_EQ(hb_recv(HB_INBOX, &in, 0, T_MS(20000)), HB_OK);  /* the parent has tried */
  CHECK_EQ(hb_task_kill(grandchild), HB_OK);                 /* its own parent may */
  int32_t code = 0;
  CHECK_EQ(hb_task_wait(grandchild, &code, T_MS(20000)), HB_OK);
  CHECK_EQ(code, -9);
  return t_done();
}

int main(void) {
  t_name = "task_kill";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "spinner")) return spinner();
  if (t_role_is(&s, "sleeper")) return sleeper(&s);
  if (t_role_is(&s, "middle")) return middle(&s);

  /* A spinning child. */
  hb_task_id_t id = 0;
  int32_t code = 0;
  CHECK_EQ(t_spawn("task_kill", "spinner", 0, 0, &id), HB_OK);
  for (int i = 0; i < 3; ++i) hb_yield();  /* let it run */
  CHECK_EQ(hb_task_kill(id), HB_OK);
  CHECK_EQ(hb_task_wait(id, &code, T_MS(20000)), HB_OK);
  CHECK_EQ(code, -9);
  CHECK_EQ(hb_task_kill(id), HB_ERR_NOT_FOUND);  /* collected */

  /* A child blocked in a receive, owning a port we can send to. */
  CHECK_EQ(t_spawn("task_kill", "sleeper", 0, 0, &id), HB_OK);
  hb_handle_t to_child = HB_INVALID;
  char buf[8];
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof(buf);
  in.handles = &to_child;
  in.handle_cap = 1;
  CHECK_EQ(hb_recv(HB_INBOX, &in, 0, T_MS(20000)), HB_OK);
  CHECK_EQ(in.handle_count, 1u);
  CHECK_EQ(hb_task_kill(id), HB_OK);
  CHECK_EQ(hb_task_wait(id, &code, T_MS(20000)), HB_OK);
  CHECK_EQ(code, -9);
  CHECK_EQ(t_send_text(to_child, "x", HB_NOWAIT), HB_ERR_PEER_CLOSED);  /* its port died */

  /* Only the parent: not a grandparent, not the task itself; unknown ids. */
  CHECK_EQ(t_spawn("task_kill", "middle", 0, 0, &id), HB_OK);
  hb_task_id_t grandchild = 0;
  in.data = &grandchild;
  in.cap = sizeof(grandchild);
  in.handles = 0;
  in.handle_cap = 0;
  CHECK_EQ(hb_recv(HB_INBOX, &in, 0, T_MS(20000)), HB_OK);
  CHECK_EQ(hb_task_kill(grandchild), HB_ERR_ACCESS);
  CHECK_EQ(hb_task_kill(hb_task_self()), HB_ERR_ACCESS);
  CHECK_EQ(hb_task_kill(0), HB_ERR_NOT_FOUND);
  hb_msg_out go = {"go", 2, 0, 0};
  CHECK_EQ(hb_send_task(id, &go, 0, T_MS(5000)), HB_OK);
  CHECK_EQ(hb_task_wait(id, &code, T_MS(30000)), HB_OK);
  CHECK_EQ(code, 0);
  return t_done();
}
