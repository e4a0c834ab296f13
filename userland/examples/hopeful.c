/* hopeful - keeps sending to a port whose owner is about to die.
 *
 *   start message: handles[0]  a send right to the port (a rendezvous port)
 *
 *   send 1: the owner takes it                                          -> HB_OK
 *   send 2: the owner never receives again; we wait... until it dies     -> HB_ERR_PEER_CLOSED
 *   send 3: the port is dead already                                     -> HB_ERR_PEER_CLOSED
 * Exits 0 when that is what happened.
 */
#include "example.h"

#include <string.h>

int main(void) {
  hb_start_info start = start_or_exit("hopeful", 1);
  const hb_status_t want[3] = {HB_OK, HB_ERR_PEER_CLOSED, HB_ERR_PEER_CLOSED};
  int ok = 1;
  for (int i = 0; i < 3; ++i) {
    char text[16];
    int len = snprintf(text, sizeof text, "hope %d", i + 1);
    hb_msg_out m = {text, (uint32_t)len, 0, NULL};
    hb_status_t s = hb_send(start.handles[0], &m, 0, HB_FOREVER);
    say("send \"%s\" -> %s", text, hb_strerror(s));
    ok = ok && s == want[i];
  }
  return ok ? 0 : 1;
}
