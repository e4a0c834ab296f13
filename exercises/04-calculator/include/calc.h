/* calc.h - exercise 04: a call/reply calculator server. Do not change this file. */
#ifndef CALC_H
#define CALC_H

#include <harbor/sys.h>

#include <stdint.h>

enum { CALC_ADD = 1, CALC_SUB = 2, CALC_MUL = 3, CALC_DIV = 4 };
enum { CALC_OK = 0, CALC_EBADREQ = -1, CALC_EDIVZERO = -2 };

struct calc_request {
  uint32_t op; /* CALC_ADD .. CALC_DIV */
  int32_t a, b;
};

struct calc_reply {
  int32_t status; /* CALC_OK, CALC_EBADREQ or CALC_EDIVZERO */
  int32_t value;  /* a op b when status is CALC_OK, else 0 */
};

/* Serves requests from `port` (its receive right) until hb_recv says HB_ERR_PEER_CLOSED
 * (no client is left). Each request was sent with hb_call, so it arrives with a reply
 * capability in in.reply: answer it with hb_reply (or hb_reply_recv) with a calc_reply.
 * A request that is not exactly sizeof(struct calc_request) bytes, or whose op is unknown,
 * gets {CALC_EBADREQ, 0}; a division by zero {CALC_EDIVZERO, 0}; the server keeps serving.
 * Closes `port` at the end. Returns how many requests it answered, or a negative status. */
int calc_serve(hb_handle_t port);

#endif
