/* polling - the non-blocking receive:
 *
 *     "Non-blocking receive: the receiver retrieves either a valid message or a null."
 *
 * In Harbor the null message is a status: hb_recv(port, &in, 0, HB_NOWAIT) returns HB_OK
 * with a message, or HB_ERR_WOULD_BLOCK at once when none is queued (kernel/ipc_receive.cc,
 * at the anchor nowait-null-message). A receiver that polls does other work between polls; here
 * the "other work" is counting, and a sender child sends MESSAGES messages with pauses.
 *
 *   harbor-emu exec polling [MESSAGES]                (default 10)
 *
 * Checked (exit code 0): a poll before anyone sent returns HB_ERR_WOULD_BLOCK and leaves
 * the port as it was; every message arrives, in order; after the sender closed its send
 * right and the queue is empty, a poll says HB_ERR_PEER_CLOSED (not a null message: nobody
 * will ever send again). How many polls came back empty depends on timing: printed only.
 */
#include "course.h"

static int sender(hb_handle_t port, uint64_t messages) {
  for (uint64_t i = 0; i < messages; ++i) {
    for (int k = 0; k < 20; ++k) hb_yield(); /* pause: the receiver polls in the meantime */
    hb_msg_out m = {&i, sizeof i, 0, 0};
    must(hb_send(port, &m, 0, HB_FOREVER), "send");
  }
  return 0; /* exiting closes the send right: the receiver's EOF */
}

/* Polls `recv` until every send right is gone; returns 1 if `messages` came, in order. */
// DOC: polling-receive
static int poll_all(hb_handle_t recv, uint64_t messages) {
  uint64_t value = 0, received = 0, empty_polls = 0, other_work = 0;
  hb_msg_in in = {0};
  in.data = &value;
  in.cap = sizeof value;
  hb_status_t s;
  int in_order = 1;
  while ((s = hb_recv(recv, &in, 0, HB_NOWAIT)) != HB_ERR_PEER_CLOSED) {
    if (s == HB_ERR_WOULD_BLOCK) { /* a null message: do something else, then poll again */
      ++empty_polls;
      for (int k = 0; k < 100; ++k) ++other_work;
      hb_yield();
      continue;
    }
    must(s, "poll");
    if (value != received) in_order = 0;
    ++received;
  }
  say("receiver: %llu messages, %llu empty polls in between, then %s", (unsigned long long)received,
      (unsigned long long)empty_polls, hb_strerror(s));
  return received == messages && in_order;
}

int main(void) {
  hb_start_info start = course_start();
  if (course_role_is(&start, "sender")) return sender(start.handles[0], course_arg(&start, 1, 0));
  /* A scenario may start the two roles itself (docs/course/scenarios/polling.scn). */
  if (course_role_is(&start, "receiver")) return poll_all(start.handles[0], course_arg(&start, 1, 0)) ? 0 : 1;

  uint64_t messages = course_arg(&start, 0, 10);
  hb_handle_t recv, send;
  must(hb_port_create(HB_PORT_BOUNDED, 4, 0, &recv, &send), "port");

  uint64_t value = 0;
  hb_msg_in in = {0};
  in.data = &value;
  in.cap = sizeof value;
  hb_status_t first = hb_recv(recv, &in, 0, HB_NOWAIT); /* nobody has sent: the null message */
  say("receiver: a poll before anyone sent: %s", hb_strerror(first));

  hb_task_id_t child = course_spawn("sender", messages, 0, &send, 1); /* moves our send right */
  int all = poll_all(recv, messages);
  int32_t code = course_wait(child);
  int ok = first == HB_ERR_WOULD_BLOCK && all && code == 0;
  say(ok ? "polling: OK" : "polling: FAILED (sender exit %d)", code);
  return ok ? 0 : 1;
}
