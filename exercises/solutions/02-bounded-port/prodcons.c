/* prodcons.c - exercise 02, reference solution. */
#include "prodcons.h"

int produce(hb_handle_t jobs, uint32_t first, uint32_t count) {
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t value = first + i;
    hb_msg_out out = {&value, sizeof value, 0, 0};
    hb_status_t s = hb_send(jobs, &out, 0, HB_FOREVER);
    if (s != HB_OK) {
      hb_handle_close(jobs);
      return s;
    }
  }
  hb_handle_close(jobs);
  return 0;
}

int consume(hb_handle_t jobs, uint32_t *out, int cap) {
  int received = 0;
  for (;;) {
    uint32_t value = 0;
    hb_msg_in in = {0};
    in.data = &value;
    in.cap = sizeof value;
    hb_status_t s = hb_recv(jobs, &in, 0, HB_FOREVER);
    if (s == HB_ERR_PEER_CLOSED) break;
    if (s != HB_OK) {
      hb_handle_close(jobs);
      return s;
    }
    if (received < cap) out[received] = value;
    ++received;
  }
  hb_handle_close(jobs);
  return received;
}
