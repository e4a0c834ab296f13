/* swap.c - exercise 09, reference solution: break the symmetry. The left task sends first
 * and then receives; the right task receives first and then sends. Each rendezvous then has
 * one side that is already waiting for it, so no cycle of waits can form. */
#include "swap.h"

static hb_status_t send_value(hb_handle_t port, int32_t v) {
  hb_msg_out out = {&v, sizeof v, 0, 0};
  return hb_send(port, &out, 0, HB_FOREVER);
}

static hb_status_t recv_value(hb_handle_t port, int32_t *v) {
  hb_msg_in in = {0};
  in.data = v;
  in.cap = sizeof *v;
  return hb_recv(port, &in, 0, HB_FOREVER);
}

int swap_values(int is_left, hb_handle_t to_peer, hb_handle_t from_peer, int32_t mine,
                int32_t *theirs) {
  hb_status_t s;
  if (is_left) {
    s = send_value(to_peer, mine);
    if (s == HB_OK) s = recv_value(from_peer, theirs);
  } else {
    s = recv_value(from_peer, theirs);
    if (s == HB_OK) s = send_value(to_peer, mine);
  }
  return s;
}
