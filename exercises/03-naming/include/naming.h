/* naming.h - exercise 03: direct (symmetric) and asymmetric naming through the inbox.
 * Do not change this file. */
#ifndef NAMING_H
#define NAMING_H

#include <harbor/sys.h>

#include <stdint.h>

/* Symmetric direct naming. Receive one greeting from task `first`, then one from task
 * `second`, through this task's inbox (HB_INBOX), in that order whatever order they arrive
 * in: hb_recv with HB_RECV_FROM and in.sender set to the task you want. Copy each into
 * out1 / out2, NUL-terminated (at most cap - 1 bytes). Then answer `first`, then `second`, by
 * task id (hb_send_task) with the 3 bytes "ack". Returns 0 or the first failing status. */
int greet_in_order(hb_task_id_t first, hb_task_id_t second, char *out1, char *out2,
                   uint32_t cap);

/* Asymmetric naming. Receive one message from anyone through the inbox; copy it into out
 * (NUL-terminated) and say who sent it in *sender (the kernel fills in.sender).
 * Returns 0 or a failing status. */
int recv_from_anyone(char *out, uint32_t cap, hb_task_id_t *sender);

#endif
