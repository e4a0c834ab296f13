/* smp_revoke: revoking a grant region stops a task that is reading it on another core at
 * that very moment (boot with -smp 2 or more).
 *
 * The reader maps the region and spins on it with no syscall but a clock read now and then;
 * the owner, on the other core, revokes the region. The reader's core still has the page in
 * its TLB, and nothing on that core reloads CR3: only the kernel's TLB shootdown (an IPI,
 * arch/x86_64/smp.cc) makes its next read fault. Without it, the reader would go on reading
 * the freed page until its own 3 s limit and exit 7. */
#include "check.h"

static int reader(const t_start *s) {
  void *at = 0;
  CHECK_EQ(hb_region_map(s->handles[0], HB_RIGHT_READ, &at), HB_OK);
  if (!at) return t_done();
  volatile const uint64_t *word = (volatile const uint64_t *)at;
  hb_msg_out m = {"mapped", 6, 0, 0};
  CHECK_EQ(hb_send_task(s->sender, &m, 0, T_MS(5000)), HB_OK);
  hb_time_t t0 = hb_clock_ns();
  uint64_t sum = 0;
  for (uint32_t spins = 1;; ++spins) {
    sum += *word; /* faults once the revocation reached this core */
    if ((spins & 4095) == 0 && hb_clock_ns() - t0 > T_MS(3000)) break;
  }
  return 7 + (int)(sum & 0); /* still readable 3 s after: the revocation never arrived */
}

int main(void) {
  t_name = "smp_revoke";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "reader")) return reader(&s);

  hb_handle_t region, grant;
  CHECK_EQ(hb_region_create(4096, 0, &region), HB_OK);
  CHECK_EQ(hb_handle_dup(region, HB_RIGHT_READ | HB_RIGHT_MAP | HB_RIGHT_TRANSFER, &grant), HB_OK);
  hb_task_id_t child = 0;
  CHECK_EQ(t_spawn("smp_revoke", "reader", &grant, 1, &child), HB_OK);
  char buf[8];
  uint32_t len = 0;
  CHECK_EQ(t_recv(HB_INBOX, buf, sizeof(buf), &len, T_MS(5000)), HB_OK);
  t_sleep(T_MS(20)); /* it is spinning on the page now */
  CHECK_EQ(hb_region_revoke(region), HB_OK);
  int32_t code = 0;
  CHECK_EQ(hb_task_wait(child, &code, T_MS(10000)), HB_OK);
  CHECK_EQ(code, -1014); /* killed by the page fault (x86-64: -1000 - vector 14) */
  return t_done();
}
