/* pipe-upper - a filter: copies its input pipe to its output pipe in capitals, until end of
 * file, then closes its output (the middle of `pipe-writer | pipe-upper | pipe-reader`).
 *
 *   start message: handles[0]  a read end (its input)
 *                  handles[1]  a write end (its output)
 *
 * A scenario's `pipe a | upper | b` gives the middle task its read end first, then its write
 * end, as a shell gives a filter stdin (0) before stdout (1).
 */
#include <harbor/pipe.h>

#include "example.h"

int main(void) {
  hb_start_info start = start_or_exit("pipe-upper", 2);
  hb_handle_t in = start.handles[0], out = start.handles[1];
  char buf[256];
  for (;;) {
    int64_t n = hb_pipe_read(in, buf, sizeof buf, HB_FOREVER);
    if (n == 0) break; /* end of file: every writer upstream is done */
    if (n < 0) {
      say("pipe-upper: read failed: %s", hb_strerror((hb_status_t)n));
      return 1;
    }
    for (int64_t i = 0; i < n; ++i)
      if (buf[i] >= 'a' && buf[i] <= 'z') buf[i] = (char)(buf[i] - 'a' + 'A');
    int64_t w = hb_pipe_write(out, buf, (uint32_t)n, HB_FOREVER);
    if (w != n) {
      say("pipe-upper: write failed: %s", w < 0 ? hb_strerror((hb_status_t)w) : "short");
      return 1;
    }
  }
  hb_pipe_close(out); /* passes end of file downstream */
  return 0;
}
