/* pingpong.h - exercise 01: ping-pong over two rendezvous ports. Do not change this file. */
#ifndef PINGPONG_H
#define PINGPONG_H

#include <harbor/sys.h>

/* For n = 1 .. rounds: send the text "ping n" (no NUL) through `to_pong`, then receive
 * "pong n" from `from_pong` (check it!). Then close both handles.
 * Returns 0, or the first failing status (a negative HB_ERR_*), or HB_ERR_INVALID_ARG when
 * the answer is not the expected "pong n". */
int ping(hb_handle_t to_pong, hb_handle_t from_pong, int rounds);

/* For n = 1 .. rounds: receive "ping n" from `from_ping`, answer "pong n" through `to_ping`.
 * Then close both handles. Returns 0 or the first failing status. */
int pong(hb_handle_t from_ping, hb_handle_t to_ping, int rounds);

#endif
