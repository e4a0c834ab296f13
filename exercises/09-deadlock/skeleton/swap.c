/* swap.c - exercise 09 (see ../README.md).
 *
 * This code is complete, and it compiles, and it hangs. Run the grader: its verdict names
 * the wait-for cycle (who waits for whom, as the kernel saw it). Replay the run with the
 * command it prints, add --trace text, and read who blocked where. Then fix swap_values:
 * the left and right tasks must not both wait for each other. */
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
  (void)is_left; /* TODO: use it */
  hb_status_t s = send_value(to_peer, mine);
  if (s != HB_OK) return s;
  return recv_value(from_peer, theirs);
}
