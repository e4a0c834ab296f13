/* prodcons.h - exercise 02: producer and consumer over a bounded port. Do not change it. */
#ifndef PRODCONS_H
#define PRODCONS_H

#include <harbor/sys.h>

#include <stdint.h>

/* Sends first, first + 1, ..., first + count - 1, each as one 4-byte message (a uint32_t in
 * the machine's byte order), into `jobs`, a bounded port: hb_send blocks while it is full.
 * Then closes `jobs`. Returns 0, or the first failing status. */
int produce(hb_handle_t jobs, uint32_t first, uint32_t count);

/* Receives 4-byte messages from `jobs` until hb_recv says HB_ERR_PEER_CLOSED (every send
 * right closed and the queue empty: the end of the stream), and stores the first `cap`
 * values into `out` in the order they arrived. Then closes `jobs`. Returns how many
 * messages it received, or a negative status on any other error. */
int consume(hb_handle_t jobs, uint32_t *out, int cap);

#endif
