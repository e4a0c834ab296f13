/* ipc_bench: the cost of one call/reply round trip between two address spaces.
 *
 * It times N round trips with hb_clock_ns. Under QEMU with -icount shift=0 (one instruction
 * = one nanosecond of virtual time, and the TSC the clock is made of follows it) the figure
 * is an exact, repeatable instruction count of the whole path: user stub, `syscall`, the
 * kernel, the switch to the server, and back. Elsewhere it is wall-clock time. */
#include "check.h"

#define ROUNDS 2000

static int server(const t_start *s) {
  hb_handle_t reply = HB_INVALID;
  int64_t n = 0;
  hb_msg_out answer = {&n, sizeof(n), 0, 0};
  for (;;) {
    hb_msg_in in = {0};
    in.data = &n;
    in.cap = sizeof(n);
    hb_status_t st = hb_reply_recv(reply, reply ? &answer : 0, s->handles[0], &in, HB_FOREVER);
    if (st != HB_OK) break;
    reply = in.reply;
  }
  return 0;
}

int main(void) {
  t_name = "ipc_bench";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "server")) return server(&s);

  hb_handle_t r, snd;
  hb_task_id_t child = 0;
  CHECK_EQ(hb_port_create(HB_PORT_RENDEZVOUS, 0, 0, &r, &snd), HB_OK);
  CHECK_EQ(t_spawn("ipc_bench", "server", &r, 1, &child), HB_OK);
  int64_t n = 0, out = 0;
  hb_msg_out req = {&n, sizeof(n), 0, 0};
  hb_msg_in rep = {0};
  rep.data = &out;
  rep.cap = sizeof(out);
  for (int i = 0; i < 100; ++i) CHECK_EQ(hb_call(snd, &req, &rep, HB_FOREVER), HB_OK);
  hb_time_t t0 = hb_clock_ns();
  for (int i = 0; i < ROUNDS; ++i) hb_call(snd, &req, &rep, HB_FOREVER);
  hb_time_t t1 = hb_clock_ns();
  t_print("ipc_bench: call/reply round trip between two address spaces: ");
  t_print_int((int64_t)((t1 - t0) / ROUNDS));
  t_print(" ns (= instructions under -icount shift=0); one way: ");
  t_print_int((int64_t)((t1 - t0) / ROUNDS / 2));
  t_print("\n");
  hb_handle_close(snd);
  int32_t code = -1;
  CHECK_EQ(hb_task_wait(child, &code, T_MS(5000)), HB_OK);
  return t_done();
}
