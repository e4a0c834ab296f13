/* userland/programs/names.c - the name server as a program: the bare-metal boot's system task.
 *
 * arch/x86_64/boot.cc starts the image called "names", when the boot image has one, before
 * init (kernel/kernel.h "name-service-bootstrap"): its start message carries the receive
 * right of the name service's port, and every task started after it finds a send right to
 * that port as HB_NAME_SERVICE. Hosted, the machine runs the same server in a fork of
 * itself (userland/runtime/hosted/name_server_task.cc). */
#include <harbor/runtime.h>

#include "../lib/names/server.h"

int main(void) {
  hb_start_info start;
  if (hb_start_args(&start) != HB_OK || start.handle_count < 1) return 1;
  hb_names_serve(start.handles[0]);
  return 2;
}
