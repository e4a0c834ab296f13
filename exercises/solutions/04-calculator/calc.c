/* calc.c - exercise 04, reference solution. */
#include "calc.h"

static struct calc_reply compute(const void *bytes, uint32_t len) {
  struct calc_reply r = {CALC_EBADREQ, 0};
  struct calc_request q;
  if (len != sizeof q) return r;
  __builtin_memcpy(&q, bytes, sizeof q);
  switch (q.op) {
    case CALC_ADD: r.value = q.a + q.b; break;
    case CALC_SUB: r.value = q.a - q.b; break;
    case CALC_MUL: r.value = q.a * q.b; break;
    case CALC_DIV:
      if (q.b == 0) {
        r.status = CALC_EDIVZERO;
        return r;
      }
      r.value = q.a / q.b;
      break;
    default: return r;
  }
  r.status = CALC_OK;
  return r;
}

int calc_serve(hb_handle_t port) {
  int answered = 0;
  char buf[256];
  for (;;) {
    hb_msg_in in = {0};
    in.data = buf;
    in.cap = sizeof buf;
    hb_status_t s = hb_recv(port, &in, 0, HB_FOREVER);
    if (s == HB_ERR_PEER_CLOSED) break;
    if (s == HB_ERR_BUFFER_TOO_SMALL) {
      /* Too long for any request: take it with a big enough buffer, answer EBADREQ. */
      static char big[HB_MSG_MAX];
      in.data = big;
      in.cap = sizeof big;
      s = hb_recv(port, &in, 0, HB_FOREVER);
    }
    if (s != HB_OK) {
      hb_handle_close(port);
      return s;
    }
    struct calc_reply r = compute(in.data, in.len);
    hb_msg_out out = {&r, sizeof r, 0, 0};
    if (in.reply != HB_INVALID && hb_reply(in.reply, &out) == HB_OK) ++answered;
  }
  hb_handle_close(port);
  return answered;
}
