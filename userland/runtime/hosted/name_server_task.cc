// userland/runtime/hosted/name_server_task.cc - see name_server_task.h.
#include "name_server_task.h"

#include <harbor/runtime.h>

#include "../../lib/names/server.h"
#include "attach.h"

namespace harbor::runtime {

int name_server_task(int channel_fd) {
  if (!attach_channel(channel_fd)) return 1;
  hb_start_info start;
  if (hb_start_args(&start) != HB_OK || start.handle_count < 1) return 1;
  hb_names_serve(start.handles[0]);
  return 2;
}

}  // namespace harbor::runtime
