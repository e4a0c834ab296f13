/* pingpong.c - exercise 01 (see ../README.md). Fill in the TODOs. */
#include "pingpong.h"

#include <stdio.h>
#include <string.h>

int ping(hb_handle_t to_pong, hb_handle_t from_pong, int rounds) {
  for (int n = 1; n <= rounds; ++n) {
    char text[32];
    snprintf(text, sizeof text, "ping %d", n);
    /* TODO 1: send `text` (strlen(text) bytes, no handles) through to_pong with hb_send.
     *         On a rendezvous port, hb_send returns once pong has taken the message. */
    /* TODO 2: receive the answer from from_pong with hb_recv into a buffer, and check that
     *         it is exactly "pong n" (the length too: the message carries no NUL). */
    (void)text;
    return HB_ERR_INVALID_ARG; /* TODO: remove once the loop body is written */
  }
  /* TODO 3: close both handles (hb_handle_close): the kernel keeps what you do not close. */
  (void)to_pong;
  (void)from_pong;
  return 0;
}

int pong(hb_handle_t from_ping, hb_handle_t to_ping, int rounds) {
  /* TODO 4: for n = 1 .. rounds, receive "ping n" and answer "pong n"; then close both. */
  (void)from_ping;
  (void)to_ping;
  (void)rounds;
  return HB_ERR_INVALID_ARG;
}
