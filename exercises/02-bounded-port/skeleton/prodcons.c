/* prodcons.c - exercise 02 (see ../README.md). Fill in the TODOs. */
#include "prodcons.h"

int produce(hb_handle_t jobs, uint32_t first, uint32_t count) {
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t value = first + i;
    /* TODO 1: send `value` (sizeof value bytes) into jobs with hb_send, waiting as long as it
     *         takes (HB_FOREVER); return the status if it fails. */
    (void)value;
  }
  /* TODO 2: close jobs: a consumer sees the end of the stream only once every send right is
   *         closed. */
  (void)jobs;
  return HB_ERR_INVALID_ARG; /* TODO: return 0 when done */
}

int consume(hb_handle_t jobs, uint32_t *out, int cap) {
  int received = 0;
  /* TODO 3: loop on hb_recv(jobs, ...) into a uint32_t; store it into out[received] while
   *         received < cap; count every message. HB_ERR_PEER_CLOSED ends the loop normally;
   *         any other error is returned. Then close jobs and return how many arrived. */
  (void)jobs;
  (void)out;
  (void)cap;
  (void)received;
  return HB_ERR_INVALID_ARG;
}
