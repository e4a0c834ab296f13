/* port-owner - takes one message from its port, then dies (or crashes) with the port open.
 *
 *   start message: args  [crash]   ("crash": die by a segmentation fault instead of exiting)
 *                  handles[0]  the receive right of the port
 *
 * A port is owned by the task holding its receive right. When the owner exits or dies, the
 * port dies with it: queued messages are destroyed, every sender waiting on it wakes with
 * HB_ERR_PEER_CLOSED, and later sends fail the same way. With "crash", the emulator notices
 * the dead process and reclaims the same way: nothing leaks, nobody hangs.
 */
#include "example.h"

#include <signal.h>
#include <string.h>

int main(void) {
  hb_start_info start = start_or_exit("port-owner", 1);
  int crash = start.argc > 0 && strcmp(start.argv[0], "crash") == 0;

  char text[32];
  hb_msg_in in;
  memset(&in, 0, sizeof in);
  in.data = text;
  in.cap = sizeof text - 1;
  hb_status_t s = hb_recv(start.handles[0], &in, 0, HB_FOREVER);
  if (s != HB_OK) {
    say("recv failed: %s", hb_strerror(s));
    return 1;
  }
  text[in.len] = '\0';
  say("got \"%s\"; now leaving without reading the rest", text);
  let_others_run(4); /* the sender is now waiting on our port */
  if (crash) {
    say("crashing");
    /* Die as a segmentation fault kills: by SIGSEGV, with its default action. (A real bad
     * store would be undefined behaviour, and a sanitizer would stop it first.) The kernel
     * reclaims the port all the same. */
    signal(SIGSEGV, SIG_DFL);
    raise(SIGSEGV);
  }
  return 0; /* exit: the receive right closes, the port dies */
}
