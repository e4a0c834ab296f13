/* filter.c - exercise 10, reference solution. */
#include "filter.h"

static int64_t finish(hb_handle_t in, hb_handle_t out, int64_t result) {
  hb_pipe_close(in);
  hb_pipe_close(out);
  return result;
}

int64_t upper_filter(hb_handle_t in, hb_handle_t out) {
  int64_t copied = 0;
  char buf[4096];
  for (;;) {
    int64_t n = hb_pipe_read(in, buf, sizeof buf, HB_FOREVER);
    if (n == 0) break;
    if (n < 0) return finish(in, out, n);
    for (int64_t i = 0; i < n; ++i)
      if (buf[i] >= 'a' && buf[i] <= 'z') buf[i] = (char)(buf[i] - 'a' + 'A');
    int64_t w = hb_pipe_write(out, buf, (uint32_t)n, HB_FOREVER);
    if (w < 0) return finish(in, out, w);
    copied += n;
  }
  return finish(in, out, copied);
}
