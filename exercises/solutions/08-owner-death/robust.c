/* robust.c - exercise 08, reference solution. */
#include "robust.h"

int send_until_closed(hb_handle_t port, int count, hb_status_t *status) {
  int sent = 0;
  *status = HB_OK;
  for (int i = 0; i < count; ++i) {
    uint32_t v = (uint32_t)i;
    hb_msg_out out = {&v, sizeof v, 0, 0};
    hb_status_t s = hb_send(port, &out, 0, HB_FOREVER);
    if (s != HB_OK) {
      *status = s;
      break;
    }
    ++sent;
  }
  hb_handle_close(port);
  return sent;
}

int32_t call_or_fail(hb_handle_t port, int32_t request) {
  int32_t answer = -1;
  hb_msg_out out = {&request, sizeof request, 0, 0};
  hb_msg_in in = {0};
  in.data = &answer;
  in.cap = sizeof answer;
  hb_status_t s = hb_call(port, &out, &in, HB_FOREVER);
  return s == HB_OK ? answer : s;
}
