/* timeouts.c - exercise 07 (see ../README.md). Fill in the TODOs. */
#include "timeouts.h"

int drain(hb_handle_t port) {
  /* TODO 1: loop hb_recv(port, ..., HB_NOWAIT) until it returns HB_ERR_WOULD_BLOCK. */
  (void)port;
  return HB_ERR_INVALID_ARG;
}

int wait_for_one(hb_handle_t port, hb_time_t timeout_ns) {
  /* TODO 2: one hb_recv with timeout_ns; map HB_OK -> 1, HB_ERR_TIMED_OUT -> 0. */
  (void)port;
  (void)timeout_ns;
  return HB_ERR_INVALID_ARG;
}

int try_send(hb_handle_t port, uint32_t value) {
  /* TODO 3: hb_send with HB_NOWAIT. */
  (void)port;
  (void)value;
  return HB_ERR_INVALID_ARG;
}
