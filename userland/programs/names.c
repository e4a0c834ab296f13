/* userland/programs/names.c - the name server as a program: the bare-metal boot's system task.
 *
 * arch/x86_64/boot.cc starts the image called "names", when the boot image has one, before
 * init (kernel/kernel.h "name-service-bootstrap"): its own HB_NAME_SERVICE is the receive
 * right of the name service's port, and every task started after it finds a send right to
 * that port as HB_NAME_SERVICE. Hosted, the machine runs the same server in a fork of
 * itself (userland/runtime/hosted/name_server_task.cc). */
#include <harbor/runtime.h>

#include "../lib/names/server.h"

int main(void) {
  hb_start_info start; /* empty; taken so that nothing is left queued */
  if (hb_start_args(&start) != HB_OK) return 1;
  hb_names_serve(HB_NAME_SERVICE); /* the system task's handle 2: the service's receive side */
  return 2;
}
