/* sync_send - the textbook's blocking send, on a port that has room:
 *
 *     "Blocking send: the sending process is blocked until the message is received by the
 *      receiving process or by the mailbox."
 *
 * Harbor's plain hb_send blocks only when a bounded port is full ("received by the
 * mailbox"); with HB_SEND_SYNC it returns only once a receiver has taken the message
 * ("received by the receiving process"), on any kind of port (kernel/ipc_send.cc, at the anchor
 * send-sync-waits-for-receiver).
 *
 *   harbor-emu exec sync-send
 *
 * On one bounded port of capacity 4 (exit code 0 when all of this holds):
 *   1. a plain send returns HB_OK at once: the port has room, nobody needs to be there;
 *   2. a sync send with a 50 ms timeout returns HB_ERR_TIMED_OUT while no task receives,
 *      although the port has room; the message is withdrawn, not left queued;
 *   3. a receiver starts; it takes the plain message, then each sync send returns HB_OK once
 *      the receiver has taken that message (it reports each one through the parent's inbox;
 *      the reports come in order, one per message).
 * Case 2 is the one a plain send cannot pass: it would have returned HB_OK at once.
 */
#include "course.h"

static int receiver(hb_handle_t port, hb_task_id_t parent, uint64_t messages) {
  for (uint64_t i = 0; i < messages; ++i) {
    uint64_t value = 0;
    hb_msg_in in = {0};
    in.data = &value;
    in.cap = sizeof value;
    must(hb_recv(port, &in, 0, HB_FOREVER), "receive");
    uint64_t taken = i + 1;
    hb_msg_out m = {&taken, sizeof taken, 0, 0};
    must(hb_send_task(parent, &m, 0, HB_FOREVER), "report"); /* "I have taken `taken`" */
  }
  return 0;
}

// DOC: sync-send-blocks
int main(void) {
  hb_start_info start = course_start();
  if (course_role_is(&start, "receiver"))
    return receiver(start.handles[0], start.sender, course_arg(&start, 1, 0));

  hb_handle_t recv, send;
  must(hb_port_create(HB_PORT_BOUNDED, 4, 0, &recv, &send), "port");
  uint64_t value = 0;
  hb_msg_out m = {&value, sizeof value, 0, 0};

  hb_status_t plain = hb_send(send, &m, 0, HB_NOWAIT); /* 1 */
  say("a plain send, nobody receiving: %s", hb_strerror(plain));
  ++value;
  hb_status_t lonely = hb_send(send, &m, HB_SEND_SYNC, 50 * 1000000ull); /* 2 */
  say("a sync send, nobody receiving, 50 ms: %s", hb_strerror(lonely));

  /* 3: the receiver takes the plain message first, then 3 sync ones. */
  const uint64_t sync_messages = 3;
  hb_task_id_t child = course_spawn("receiver", 1 + sync_messages, 0, &recv, 1); /* moves it */
  int ok = plain == HB_OK && lonely == HB_ERR_TIMED_OUT;
  uint64_t reports = 0;
  for (uint64_t i = 0; i < sync_messages; ++i) {
    value = 10 + i;
    hb_status_t s = hb_send(send, &m, HB_SEND_SYNC, HB_FOREVER);
    /* The receiver took this message before we woke up; its report is queued or on its way.
     * By then it has taken 1 (the plain message) + i + 1 messages. */
    uint64_t taken = 0;
    do {
      hb_msg_in in = {0};
      in.data = &taken;
      in.cap = sizeof taken;
      must(hb_recv(HB_INBOX, &in, 0, HB_FOREVER), "report");
      ++reports;
    } while (taken < 2 + i);
    say("sync send %llu: %s; the receiver has taken %llu", (unsigned long long)i, hb_strerror(s),
        (unsigned long long)taken);
    ok = ok && s == HB_OK && taken == 2 + i;
  }
  int32_t code = course_wait(child);
  ok = ok && code == 0 && reports == 1 + sync_messages;
  say(ok ? "sync_send: OK" : "sync_send: FAILED (receiver exit %d)", code);
  return ok ? 0 : 1;
}
