/* producer - sends COUNT numbered jobs into a port, then closes it.
 *
 *   start message: args  COUNT            (default 6)
 *                  handles[0]  a send right to the jobs port
 *
 * On a bounded port of capacity n the (n+1)-th send blocks until the consumer takes a job:
 * the queue is full, and a full queue makes its sender wait (it never drops or kills).
 * Closing the send right at the end is how the consumer learns there is no more work:
 * once the queue is empty and no send right is left, its receive returns HB_ERR_PEER_CLOSED.
 */
#include "example.h"

#include <string.h>

int main(void) {
  hb_start_info start = start_or_exit("producer", 1);
  hb_handle_t jobs = start.handles[0];
  long count = arg_number(&start, 0, 6);

  for (long i = 1; i <= count; ++i) {
    char job[32];
    int len = snprintf(job, sizeof job, "job %ld", i);
    hb_msg_out m = {job, (uint32_t)len, 0, NULL};
    hb_status_t s = hb_send(jobs, &m, 0, HB_FOREVER);  /* blocks while the port is full */
    if (s != HB_OK) {
      say("send of %s failed: %s", job, hb_strerror(s));
      return 1;
    }
    say("sent %s", job);
  }
  hb_handle_close(jobs);  /* no more work: the consumer sees HB_ERR_PEER_CLOSED */
  say("done, closed my send right");
  return 0;
}
