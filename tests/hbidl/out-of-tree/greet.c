/* greet - a client and a server of greet.hbidl in one program: run with its own path as
 * argument, it spawns itself (no argument) as the server, calls it twice and checks the
 * answers. Exit code 0: the generated stubs work out of tree. */
#include <harbor/runtime.h>
#include <harbor/sys.h>
#include <string.h>

#include "greet_rpc.h"

static hb_status_t hello(void *ctx, const char *name, char greeting[64 + 1]) {
  (void)ctx;
  if (strlen(name) == 0) return HB_ERR_INVALID_ARG;
  strcpy(greeting, "hello ");
  strcat(greeting, name);
  return HB_OK;
}

int main(void) {
  hb_start_info start;
  if (hb_start_args(&start) != HB_OK) return 10;
  if (start.argc < 1) { /* no argument: the server; its port is handle 0 */
    const greet_ops ops = {hello};
    return greet_serve(start.handles[0], &ops, NULL) == HB_ERR_PEER_CLOSED ? 0 : 11;
  }
  hb_handle_t recv, send;
  if (hb_port_create(HB_PORT_RENDEZVOUS, 0, 0, &recv, &send) != HB_OK) return 12;
  hb_msg_out child_start = {NULL, 0, 1, &recv};
  hb_task_id_t server;
  if (hb_task_spawn(start.argv[0], &child_start, &server) != HB_OK) return 13;
  char greeting[65];
  const hb_time_t timeout = 5000000000ull;
  if (greet_hello(send, timeout, "harbor", greeting) != HB_OK) return 14;
  if (strcmp(greeting, "hello harbor") != 0) return 15;
  if (greet_hello(send, timeout, "", greeting) != HB_ERR_INVALID_ARG) return 16; /* its error */
  hb_handle_close(send); /* the server's loop ends: no client left */
  int32_t code = -1;
  if (hb_task_wait(server, &code, timeout) != HB_OK || code != 0) return 17;
  hb_print("greet: out-of-tree stubs work\n");
  return 0;
}
