/* pipe-reader - reads a pipe until end of file, a few bytes at a time, and prints what it
 * read line by line.
 *
 *   start message: args  CHUNK            bytes per read (default 10: smaller than a line,
 *                                          to show that a read returns what is there, up to
 *                                          CHUNK bytes, and the rest of a write comes next)
 *                  handles[0]  a read end (harbor/pipe.h)
 */
#include <harbor/pipe.h>

#include "example.h"

int main(void) {
  hb_start_info start = start_or_exit("pipe-reader", 1);
  hb_handle_t in = start.handles[0];
  long chunk = arg_number(&start, 0, 10);
  if (chunk < 1 || chunk > 4096) chunk = 10;

  char line[512];
  size_t used = 0;
  long lines = 0, reads = 0, bytes = 0;
  for (;;) {
    char buf[4096];
    int64_t n = hb_pipe_read(in, buf, (uint32_t)chunk, HB_FOREVER);
    if (n == 0) break; /* end of file: every write end is closed and the pipe is empty */
    if (n < 0) {
      say("pipe-reader: read failed: %s", hb_strerror((hb_status_t)n));
      return 1;
    }
    ++reads;
    bytes += n;
    for (int64_t i = 0; i < n; ++i) {
      if (buf[i] == '\n' || used == sizeof line - 1) {
        line[used] = '\0';
        say("pipe-reader: %s", line);
        ++lines;
        used = 0;
      } else {
        line[used++] = buf[i];
      }
    }
  }
  say("pipe-reader: end of file after %ld lines, %ld bytes in %ld reads", lines, bytes, reads);
  return 0;
}
