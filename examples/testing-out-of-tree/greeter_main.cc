// greeter_main.cc - greeter as a program: its first start handle is the port to serve.
#include <harbor/runtime.h>

#include "greeter.h"

int main() {
  hb_start_info start;
  if (hb_start_args(&start) != HB_OK || start.handle_count < 1) {
    hb_print("greeter: start me with a port's receive right\n");
    return 3;
  }
  return greeter_serve(start.handles[0], -1);
}
