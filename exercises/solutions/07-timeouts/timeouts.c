/* timeouts.c - exercise 07, reference solution. */
#include "timeouts.h"

static hb_status_t recv_one(hb_handle_t port, hb_time_t timeout) {
  char buf[256];
  hb_msg_in in = {0};
  in.data = buf;
  in.cap = sizeof buf;
  return hb_recv(port, &in, 0, timeout);
}

int drain(hb_handle_t port) {
  int n = 0;
  for (;;) {
    hb_status_t s = recv_one(port, HB_NOWAIT);
    if (s == HB_ERR_WOULD_BLOCK) return n;
    if (s != HB_OK) return s;
    ++n;
  }
}

int wait_for_one(hb_handle_t port, hb_time_t timeout_ns) {
  hb_status_t s = recv_one(port, timeout_ns);
  if (s == HB_OK) return 1;
  if (s == HB_ERR_TIMED_OUT) return 0;
  return s;
}

int try_send(hb_handle_t port, uint32_t value) {
  hb_msg_out out = {&value, sizeof value, 0, 0};
  return hb_send(port, &out, 0, HB_NOWAIT);
}
