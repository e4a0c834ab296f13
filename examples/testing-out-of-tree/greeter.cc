// greeter.cc - the program under test (greeter.h), written against the C ABI.
#include "greeter.h"

#include <string>

int greeter_serve(hb_handle_t port, int requests) {
  char name[256];
  for (int served = 0; requests < 0 || served < requests; ++served) {
    hb_msg_in in{};
    in.data = name;
    in.cap = sizeof name;
    hb_status_t status = hb_recv(port, &in, 0, HB_FOREVER);
    if (status == HB_ERR_PEER_CLOSED && requests < 0) return 0;  // every client is gone
    if (status != HB_OK) return 1;
    std::string answer = "hello " + std::string(name, in.len);
    hb_msg_out out{answer.data(), static_cast<uint32_t>(answer.size()), 0, nullptr};
    if (hb_reply(in.reply, &out) != HB_OK) return 2;
  }
  return 0;
}
