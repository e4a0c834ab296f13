// userland/runtime/hosted/name_server_task.cc - see name_server_task.h.
#include "name_server_task.h"

#include <harbor/runtime.h>

#include "../../lib/names/server.h"
#include "attach.h"

namespace harbor::runtime {

int name_server_task(int channel_fd) {
  if (!attach_channel(channel_fd)) return 1;
  hb_start_info start;  // empty; taken so that nothing is left queued
  if (hb_start_args(&start) != HB_OK) return 1;
  hb_names_serve(HB_NAME_SERVICE);  // the system task's handle 2: the service's receive side
  return 2;
}

}  // namespace harbor::runtime
