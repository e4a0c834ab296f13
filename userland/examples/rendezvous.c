/* rendezvous - two messages over a rendezvous port (capacity 0), so that each side waits once.
 *
 *   start message: args  sender | receiver
 *                  handles[0]  sender: a send right; receiver: the receive right
 *
 * A rendezvous port holds no messages: a send completes only when a receiver takes it.
 *   message 1: the receiver arrives first and waits in hb_recv; the sender's hb_send hands
 *              the message straight to it (no queue, one copy);
 *   message 2: the receiver dawdles, so the sender arrives first and waits in hb_send until
 *              the receiver comes for it.
 * The trace shows both: "block in recv" for message 1, "block in send" for message 2.
 */
#include "example.h"

#include <string.h>

static int run_sender(hb_handle_t port) {
  let_others_run(4);  /* (1) the receiver gets there first */
  const char *texts[2] = {"first", "second"};
  for (int i = 0; i < 2; ++i) {
    hb_msg_out m = {texts[i], (uint32_t)strlen(texts[i]), 0, NULL};
    /* (2) message 2: nobody is receiving yet, so this send waits for the receiver */
    hb_status_t s = hb_send(port, &m, 0, HB_FOREVER);
    if (s != HB_OK) {
      say("send failed: %s", hb_strerror(s));
      return 1;
    }
    say("\"%s\" was taken", texts[i]);
  }
  return 0;
}

static int run_receiver(hb_handle_t port) {
  for (int i = 0; i < 2; ++i) {
    if (i == 1) let_others_run(4);  /* (2) dawdle: now the sender has to wait for us */
    char text[32];
    hb_msg_in in;
    memset(&in, 0, sizeof in);
    in.data = text;
    in.cap = sizeof text - 1;
    hb_status_t s = hb_recv(port, &in, 0, HB_FOREVER);  /* (1) message 1: we wait here */
    if (s != HB_OK) {
      say("recv failed: %s", hb_strerror(s));
      return 1;
    }
    text[in.len] = '\0';
    say("got \"%s\"", text);
  }
  return 0;
}

int main(void) {
  hb_start_info start = start_or_exit("rendezvous", 1);
  if (start.argc == 1 && strcmp(start.argv[0], "sender") == 0) return run_sender(start.handles[0]);
  if (start.argc == 1 && strcmp(start.argv[0], "receiver") == 0)
    return run_receiver(start.handles[0]);
  say("usage: rendezvous sender|receiver");
  return 2;
}
