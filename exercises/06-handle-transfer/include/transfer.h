/* transfer.h - exercise 06: handing a port to a worker (capabilities travel in messages).
 * Do not change this file. */
#ifndef TRANSFER_H
#define TRANSFER_H

#include <harbor/sys.h>

#include <stdint.h>

/* The boss. Makes a port for the answer, and sends the worker (task `worker`, through its
 * inbox: hb_send_task) one message: the 3 bytes "job" carrying one handle, a send right to
 * that port with exactly HB_RIGHT_SEND | HB_RIGHT_TRANSFER (a handle needs TRANSFER to travel
 * in a message; reduce it with hb_handle_dup(send, HB_RIGHT_SEND | HB_RIGHT_TRANSFER, ...) so
 * that the worker cannot copy it: no HB_RIGHT_DUP). Then receives the worker's answer on
 * the port and copies it into `answer` (NUL-terminated, at most cap - 1 bytes). Closes every
 * handle it made. Returns 0 or the first failing status. */
int boss(hb_task_id_t worker, char *answer, uint32_t cap);

/* The worker. Receives the "job" message from its inbox, with its one handle, sends the 4
 * bytes "done" through that handle, and closes it. Returns 0 or the first failing status. */
int worker(void);

#endif
