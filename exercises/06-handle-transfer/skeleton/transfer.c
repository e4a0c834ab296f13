/* transfer.c - exercise 06 (see ../README.md). Fill in the TODOs. */
#include "transfer.h"

int boss(hb_task_id_t worker, char *answer, uint32_t cap) {
  /* TODO 1: hb_port_create a port (bounded, capacity 1) for the answer. */
  /* TODO 2: hb_handle_dup the send right keeping only HB_RIGHT_SEND | HB_RIGHT_TRANSFER;
   *         close the original. */
  /* TODO 3: hb_send_task(worker, {"job", 3 bytes, 1 handle: the reduced send right}). The
   *         handle moves: after a successful send it is no longer yours. */
  /* TODO 4: hb_recv the answer on the receive right; copy it into answer; close it. */
  (void)worker;
  (void)answer;
  (void)cap;
  return HB_ERR_INVALID_ARG;
}

int worker(void) {
  /* TODO 5: hb_recv(HB_INBOX, ...) with in.handles / in.handle_cap set, so that the handle
   *         can arrive; send "done" through in.handles[0]; close it. */
  return HB_ERR_INVALID_ARG;
}
