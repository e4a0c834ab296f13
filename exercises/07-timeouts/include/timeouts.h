/* timeouts.h - exercise 07: non-blocking polling and timeouts. Do not change this file. */
#ifndef TIMEOUTS_H
#define TIMEOUTS_H

#include <harbor/sys.h>

#include <stdint.h>

/* Receives every message already queued on `port` without ever blocking (HB_NOWAIT: an
 * empty port answers HB_ERR_WOULD_BLOCK at once, the "null message"). Returns how many it
 * took, or a negative status on any other error. */
int drain(hb_handle_t port);

/* Waits at most `timeout_ns` nanoseconds for one message on `port`. Returns 1 if one
 * arrived (it is consumed), 0 if the time passed first (HB_ERR_TIMED_OUT), or a negative
 * status on any other error. */
int wait_for_one(hb_handle_t port, hb_time_t timeout_ns);

/* Sends the 4-byte `value` into `port` if there is room now, without waiting. Returns HB_OK,
 * HB_ERR_WOULD_BLOCK when the port is full, or another failing status. */
int try_send(hb_handle_t port, uint32_t value);

#endif
