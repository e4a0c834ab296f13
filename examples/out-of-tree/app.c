/* app.c - a Harbor program from outside the Harbor tree: it talks to itself through a port.
 *
 *   harbor-emu exec ./app [WORD]
 *
 * It makes a port (a receive handle and a send handle), sends WORD through it, receives it
 * back, and checks that the kernel delivered the same bytes with its own task id as sender.
 */
#include <harbor/runtime.h>
#include <harbor/sys.h>

#include <stdio.h>
#include <string.h>

int main(void) {
  hb_start_info start;
  if (hb_start_args(&start) != HB_OK) return 1;
  const char *word = start.argc > 0 ? start.argv[0] : "harbor";

  hb_handle_t recv_handle, send_handle;
  hb_status_t s = hb_port_create(HB_PORT_BOUNDED, 1, 0, &recv_handle, &send_handle);
  if (s != HB_OK) {
    printf("app: hb_port_create: %s\n", hb_strerror(s));
    return 1;
  }

  hb_msg_out out = {word, (uint32_t)strlen(word), 0, NULL};
  s = hb_send(send_handle, &out, 0, HB_NOWAIT);  /* room for one: never blocks */
  if (s != HB_OK) {
    printf("app: hb_send: %s\n", hb_strerror(s));
    return 1;
  }

  char text[64];
  hb_msg_in in;
  memset(&in, 0, sizeof in);
  in.data = text;
  in.cap = sizeof text - 1;
  s = hb_recv(recv_handle, &in, 0, HB_NOWAIT);
  if (s != HB_OK) {
    printf("app: hb_recv: %s\n", hb_strerror(s));
    return 1;
  }
  text[in.len] = '\0';

  char line[160];
  snprintf(line, sizeof line, "out-of-tree app: \"%s\" went round the kernel (sender %llu)\n",
           text, (unsigned long long)in.sender);
  hb_print(line);
  return strcmp(text, word) == 0 && in.sender == hb_task_self() ? 0 : 1;
}
