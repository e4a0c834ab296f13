/* pipe-writer - writes COUNT numbered lines into a pipe, then closes its write end.
 *
 *   start message: args  COUNT            (default 5)
 *                  handles[0]  a write end (harbor/pipe.h)
 *
 * The shell's `pipe-writer | pipe-reader` is a scenario line `pipe writer | reader`
 * (docs/scenarios/pipeline.scn): the emulator makes one pipe and gives each task one end.
 * Every line is one hb_pipe_write of fewer than HB_PIPE_ATOMIC bytes, so even with several
 * writers on one pipe a line is never mixed with another writer's. Closing the write end is
 * how the reader learns there is no more: once the pipe is empty and no write end is left,
 * its hb_pipe_read returns 0, end of file.
 */
#include <harbor/pipe.h>

#include "example.h"

int main(void) {
  hb_start_info start = start_or_exit("pipe-writer", 1);
  hb_handle_t out = start.handles[0];
  long count = arg_number(&start, 0, 5);

  for (long i = 1; i <= count; ++i) {
    char line[64];
    int len = snprintf(line, sizeof line, "line %ld of %ld\n", i, count);
    int64_t n = hb_pipe_write(out, line, (uint32_t)len, HB_FOREVER); /* blocks while full */
    if (n != len) {
      say("pipe-writer: write failed: %s", n < 0 ? hb_strerror((hb_status_t)n) : "short");
      return 1;
    }
  }
  hb_pipe_close(out); /* end of file for the reader */
  say("pipe-writer: wrote %ld lines, closed my write end", count);
  return 0;
}
