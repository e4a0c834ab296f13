/* consumer - receives jobs from a port until every sender is gone.
 *
 *   start message: args  EXPECTED [slow]  (default 6, or "any"; "slow": dawdle between jobs)
 *                  handles[0]  the receive right of the jobs port
 *
 * Exits 0 when it got exactly EXPECTED jobs (any number, for "any") before
 * HB_ERR_PEER_CLOSED, 1 otherwise. "slow" lets the producer run ahead, so the bounded queue
 * fills and the producer blocks. A job sent through a badged send right shows its badge:
 * the kernel stamps it, so the consumer knows which sender it came from (SPEC 3).
 */
#include "example.h"

#include <string.h>

int main(void) {
  hb_start_info start = start_or_exit("consumer", 1);
  hb_handle_t jobs = start.handles[0];
  int any = start.argc > 0 && strcmp(start.argv[0], "any") == 0;
  long expected = any ? -1 : arg_number(&start, 0, 6);
  int slow = start.argc > 1 && strcmp(start.argv[1], "slow") == 0;

  long got = 0;
  for (;;) {
    if (slow) let_others_run(3);
    char job[64];
    hb_msg_in in;
    memset(&in, 0, sizeof in);
    in.data = job;
    in.cap = sizeof job - 1;
    hb_status_t s = hb_recv(jobs, &in, 0, HB_FOREVER);
    if (s == HB_ERR_PEER_CLOSED) break;  /* queue empty and no sender left: end of work */
    if (s != HB_OK) {
      say("recv failed: %s", hb_strerror(s));
      return 1;
    }
    job[in.len] = '\0';
    ++got;
    if (in.badge != 0) say("got %s (badge %llu)", job, (unsigned long long)in.badge);
    else say("got %s", job);
  }
  if (any) {
    say("the port is closed; got %ld jobs", got);
    return 0;
  }
  say("the port is closed; got %ld of %ld jobs", got, expected);
  return got == expected ? 0 : 1;
}
