/* exit_codes: what a parent's hb_task_wait reports: the value main returned, or the int32_t
 * given to hb_task_exit, exactly, also outside 0..255 (hosted, a process's exit status keeps
 * only 8 bits: userland/runtime/hosted/exit.cc hands such a return to hb_task_exit); a
 * child's exit wakes a parent already waiting; only the parent may wait, and only once. */
#include "check.h"

/* Waits for its own child (a grandchild of main's task) and tells the parent whether the
 * grandparent could not wait for it. */
static int middle(const t_start *s) {
  hb_task_id_t grandchild = 0;
  CHECK_EQ(t_spawn("exit_codes", "ret7", 0, 0, &grandchild), HB_OK);
  hb_msg_out m = {&grandchild, sizeof(grandchild), 0, 0};
  CHECK_EQ(hb_send_task(s->sender, &m, 0, T_MS(5000)), HB_OK);
  char buf[4];
  CHECK_EQ(t_recv(HB_INBOX, buf, sizeof(buf), 0, T_MS(5000)), HB_OK);  /* "ok" */
  int32_t code = -1;
  CHECK_EQ(hb_task_wait(grandchild, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 7);
  return t_done();
}

static int32_t run(const char *role) {
  hb_task_id_t id = 0;
  int32_t code = 12345;
  CHECK_EQ(t_spawn("exit_codes", role, 0, 0, &id), HB_OK);
  CHECK_EQ(hb_task_wait(id, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(hb_task_wait(id, &code, HB_NOWAIT), HB_ERR_NOT_FOUND);  /* collected once */
  return code;
}

int main(void) {
  t_name = "exit_codes";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "ret7")) return 7;
  if (t_role_is(&s, "ret255")) return 255;
  if (t_role_is(&s, "ret300")) return 300;
  if (t_role_is(&s, "ret_neg7")) return -7;
  if (t_role_is(&s, "exit_neg")) hb_task_exit(-5);
  if (t_role_is(&s, "exit_big")) hb_task_exit(100000);
  if (t_role_is(&s, "exit_min")) hb_task_exit((int32_t)0x80000000u);
  if (t_role_is(&s, "sleep_then_3")) {
    t_sleep(T_MS(50));
    hb_task_exit(3);
  }
  if (t_role_is(&s, "middle")) return middle(&s);

  CHECK_EQ(run("ret7"), 7);
  CHECK_EQ(run("ret255"), 255);
  CHECK_EQ(run("ret300"), 300);  /* not 300 & 0xff = 44 */
  CHECK_EQ(run("ret_neg7"), -7);  /* not 249 */
  CHECK_EQ(run("exit_neg"), -5);
  CHECK_EQ(run("exit_big"), 100000);
  CHECK_EQ(run("exit_min"), (int32_t)0x80000000u);
  CHECK_EQ(run("sleep_then_3"), 3);  /* we wait before it exits */

  CHECK_EQ(hb_task_wait(hb_task_self(), 0, HB_NOWAIT), HB_ERR_ACCESS);  /* not our child */
  CHECK_EQ(hb_task_wait(0x7fffffff, 0, HB_NOWAIT), HB_ERR_NOT_FOUND);

  /* A grandchild is not ours to wait for. */
  hb_task_id_t mid = 0, grandchild = 0;
  CHECK_EQ(t_spawn("exit_codes", "middle", 0, 0, &mid), HB_OK);
  CHECK_EQ(t_recv(HB_INBOX, (char *)&grandchild, sizeof(grandchild), 0, T_MS(5000)), HB_OK);
  CHECK_EQ(hb_task_wait(grandchild, 0, HB_NOWAIT), HB_ERR_ACCESS);
  hb_msg_out ok = {"ok", 2, 0, 0};
  CHECK_EQ(hb_send_task(mid, &ok, 0, T_MS(5000)), HB_OK);
  int32_t code = -1;
  CHECK_EQ(hb_task_wait(mid, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);
  return t_done();
}
