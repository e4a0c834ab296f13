/* filter.c - exercise 10 (see ../README.md). Fill in the TODOs. */
#include "filter.h"

int64_t upper_filter(hb_handle_t in, hb_handle_t out) {
  int64_t copied = 0;
  /* TODO 1: loop: n = hb_pipe_read(in, buf, sizeof buf, HB_FOREVER). n == 0 is end of file;
   *         n < 0 an error. A read returns as soon as *some* bytes are there: 1..len. */
  /* TODO 2: turn a..z into A..Z in buf[0..n), then hb_pipe_write(out, buf, n, HB_FOREVER)
   *         (it returns n once all went in, or a negative status). */
  /* TODO 3: close both ends with hb_pipe_close, and return copied (or the error). */
  (void)in;
  (void)out;
  (void)copied;
  return HB_ERR_INVALID_ARG; /* TODO: return copied */
}
