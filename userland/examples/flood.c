/* flood - "unbounded capacity: the queue's length is potentially infinite; thus, any number
 * of messages can wait in it. The sender never blocks." Except that memory is finite.
 *
 * A flooder sends 4 KiB messages into an HB_PORT_UNBOUNDED port whose owner never receives,
 * until the kernel says HB_ERR_NO_MEMORY. Harbor charges a queued message to its *sender's*
 * quota (4 MiB of queued bytes per task, kernel/quota.h) until it is received, so:
 *   - the flooder gets HB_ERR_NO_MEMORY, a status it can act on: nobody is killed, nothing
 *     is dropped, the kernel does not run out of memory;
 *   - the receiver, whose port holds all those messages, has lost nothing of its own quota:
 *     it can still make ports and send;
 *   - receiving one message gives its bytes back to the flooder, whose next send succeeds.
 *
 *   harbor-emu exec flood
 *
 * Roles (this same program): the parent makes the port, keeps its receive right and spawns
 * a `flooder` with the send right and a semaphore. The flooder floods, posts the semaphore
 * (a post needs no quota), waits for the parent to take one message, shows that one more
 * send now succeeds, and exits with the number of messages it queued before the quota ran
 * out. Exit code 0 when the parent received exactly all of them, plus the one after.
 */
#include "course.h"

#define MESSAGE_BYTES 4096u

static char page[MESSAGE_BYTES]; /* what every message carries (zeros: only the size matters) */

// DOC: flood-until-no-memory
static int flooder(hb_handle_t port, hb_handle_t flooded) {
  hb_msg_out m = {page, MESSAGE_BYTES, 0, 0};
  int32_t sent = 0;
  hb_status_t s;
  while ((s = hb_send(port, &m, 0, HB_NOWAIT)) == HB_OK) ++sent; /* never blocks: unbounded */
  say("flooder: %d messages (%d KiB) queued, then %s", sent, sent * (int)MESSAGE_BYTES / 1024,
      hb_strerror(s));
  if (s != HB_ERR_NO_MEMORY || sent == 0) return -1;
  must(hb_sem_post(flooded, 1), "post");

  hb_msg_in go = {0};
  must(hb_recv(HB_INBOX, &go, 0, HB_FOREVER), "wait for the parent"); /* it took one */
  s = hb_send(port, &m, 0, HB_NOWAIT);
  say("flooder: the receiver took one; one more send: %s", hb_strerror(s));
  return s == HB_OK ? sent : -1;
}

int main(void) {
  hb_start_info start = course_start();
  if (course_role_is(&start, "flooder")) {
    if (start.handle_count < 2) must(HB_ERR_INVALID_ARG, "needs a send right and a semaphore");
    return flooder(start.handles[0], start.handles[1]);
  }

  hb_handle_t recv, send, flooded;
  must(hb_port_create(HB_PORT_UNBOUNDED, 0, 0, &recv, &send), "port");
  must(hb_sem_create(0, 1, &flooded), "semaphore");
  hb_handle_t give[2] = {send, course_dup(flooded, HB_RIGHT_SEND | HB_RIGHT_TRANSFER)};
  hb_task_id_t child = course_spawn("flooder", 0, 0, give, 2);
  must(hb_sem_wait(flooded, HB_FOREVER), "wait for the flood");

  /* Our own quota is untouched: we can still make a port and queue a message in it. */
  static char buffer[MESSAGE_BYTES];
  hb_handle_t r2, s2;
  must(hb_port_create(HB_PORT_UNBOUNDED, 0, 0, &r2, &s2), "a port of our own");
  hb_msg_out mine = {buffer, MESSAGE_BYTES, 0, 0};
  must(hb_send(s2, &mine, 0, HB_NOWAIT), "a send of our own");
  say("receiver: my port is full of the flooder's messages, and my own quota is intact");

  /* Take one: its bytes go back to the flooder's quota. */
  hb_msg_in in = {0};
  in.data = buffer;
  in.cap = sizeof buffer;
  must(hb_recv(recv, &in, 0, HB_NOWAIT), "first message");
  hb_msg_out go = {0, 0, 0, 0};
  must(hb_send_task(child, &go, 0, HB_FOREVER), "let the flooder go on");
  int32_t sent = course_wait(child);

  /* Drain: the flooder is gone, its messages are not (the port is ours). */
  int32_t received = 1;
  while (hb_recv(recv, &in, 0, HB_NOWAIT) == HB_OK) ++received;
  int ok = sent > 0 && received == sent + 1;
  say("receiver: received %d messages (%d before the quota ran out, 1 after)", received, sent);
  say(ok ? "flood: OK" : "flood: FAILED");
  return ok ? 0 : 1;
}
