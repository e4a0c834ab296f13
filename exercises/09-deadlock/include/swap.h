/* swap.h - exercise 09: find the deadlock and fix it. Do not change this file. */
#ifndef SWAP_H
#define SWAP_H

#include <harbor/sys.h>

#include <stdint.h>

/* Two tasks, left and right, swap values: each sends its `mine` to the other through
 * `to_peer` and receives the other's into *theirs from `from_peer`. Both ports are
 * rendezvous ports (capacity 0): a send waits until the peer receives. The same function
 * runs in both tasks; `is_left` tells which one it is. Returns 0 or a failing status. */
int swap_values(int is_left, hb_handle_t to_peer, hb_handle_t from_peer, int32_t mine,
                int32_t *theirs);

#endif
