/* fault: a task that faults is killed (the kernel says why on its console), its parent's
 * hb_task_wait sees a negative exit code, and everyone else goes on. */
#include "check.h"

static volatile int g_zero = 0;
int main(void);

static int crash(const t_start *s) {
  if (t_role_is(s, "null")) *(volatile int *)0 = 1;
  if (t_role_is(s, "kernel")) *(volatile int *)0x100000 = 1;  /* the kernel's image */
  if (t_role_is(s, "code")) *(volatile char *)(uintptr_t)&main = 0;  /* read-only text */
  if (t_role_is(s, "divide")) return (g_zero + 100) / g_zero;  /* not 1 / x: gcc folds that */
  if (t_role_is(s, "trap")) __builtin_trap();
  return 0;  /* should not get here */
}

int main(void) {
  t_name = "fault";
  t_start s;
  t_get_start(&s);
  if (s.role[0]) return crash(&s);

  static const char *const roles[] = {"null", "kernel", "code", "divide", "trap", 0};
  for (int i = 0; roles[i]; ++i) {
    hb_task_id_t child = 0;
    int32_t code = 0;
    CHECK_EQ(t_spawn("fault", roles[i], 0, 0, &child), HB_OK);
    CHECK_EQ(hb_task_wait(child, &code, T_MS(5000)), HB_OK);
    CHECK(code < 0);
  }
  /* The kernel and this task are fine. */
  hb_handle_t r, snd;
  char buf[4];
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 1, 0, &r, &snd), HB_OK);
  CHECK_EQ(t_send_text(snd, "ok", HB_NOWAIT), HB_OK);
  CHECK_EQ(t_recv(r, buf, sizeof(buf), 0, HB_NOWAIT), HB_OK);
  return t_done();
}
