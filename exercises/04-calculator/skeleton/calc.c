/* calc.c - exercise 04 (see ../README.md). Fill in the TODOs. */
#include "calc.h"

int calc_serve(hb_handle_t port) {
  int answered = 0;
  /* TODO 1: loop: receive into a buffer larger than a calc_request (so that a too long
   *         request is seen as such, not as HB_ERR_BUFFER_TOO_SMALL... or handle that
   *         status too); HB_ERR_PEER_CLOSED ends the loop. */
  /* TODO 2: check in.len and the op; compute the answer (watch b == 0 for CALC_DIV). */
  /* TODO 3: hb_reply(in.reply, &out) with a struct calc_reply; count it. */
  /* TODO 4: close port; return answered. */
  (void)port;
  (void)answered;
  return HB_ERR_INVALID_ARG;
}
