/* robust.h - exercise 08: surviving the death of the other side. Do not change this file. */
#ifndef ROBUST_H
#define ROBUST_H

#include <harbor/sys.h>

#include <stdint.h>

/* Sends `count` 4-byte messages (0, 1, 2, ...) into `port`, stopping at the first send that
 * fails. Stores that failing status in *status (HB_OK if all went) and returns how many sends
 * succeeded. When the receiver exits or crashes, its port dies and every send fails with
 * HB_ERR_PEER_CLOSED: stop there (do not retry, do not crash). Closes `port`. */
int send_until_closed(hb_handle_t port, int count, hb_status_t *status);

/* Calls the server behind `port` (hb_call) with the 4-byte `request`, and returns the
 * server's 4-byte answer, a non-negative int32. If the server dies, or drops the reply
 * capability without answering, hb_call returns HB_ERR_PEER_CLOSED: return that status
 * (negative). Any other failure: return its status. */
int32_t call_or_fail(hb_handle_t port, int32_t request);

#endif
