/* greeter - waits for a "go" in its inbox, then greets whoever sent it, by task id.
 *
 *   start message: args  NAME  (how it signs its greeting)
 *
 * Asymmetric naming: the greeter does not know who will ask; hb_recv tells it (in.sender),
 * and hb_send_task answers that task directly, through the task's inbox.
 */
#include "example.h"

#include <string.h>

int main(void) {
  hb_start_info start = start_or_exit("greeter", 0);
  const char *name = start.argc > 0 ? start.argv[0] : "greeter";

  char go[16];
  hb_msg_in in;
  memset(&in, 0, sizeof in);
  in.data = go;
  in.cap = sizeof go;
  hb_status_t s = hb_recv(HB_INBOX, &in, 0, HB_FOREVER);  /* from anyone */
  if (s != HB_OK) {
    say("recv failed: %s", hb_strerror(s));
    return 1;
  }

  char hello[64];
  int len = snprintf(hello, sizeof hello, "hello from %s", name);
  hb_msg_out m = {hello, (uint32_t)len, 0, NULL};
  s = hb_send_task(in.sender, &m, 0, HB_FOREVER);  /* answer the asker by its task id */
  if (s != HB_OK) {
    say("send_task failed: %s", hb_strerror(s));
    return 1;
  }
  say("greeted task %llu", (unsigned long long)in.sender);
  return 0;
}
