// calc-server - answers arithmetic requests with call/reply, until no client is left.
//
//   start message: handles[0]  the receive right of the service port
//
// The server loop of every microkernel service:
//   (1) hb_recv waits for the first request; a request made with hb_call carries a reply
//       capability (in.reply): a one-shot right to answer exactly this caller;
//   (2) hb_reply_recv answers through it and waits for the next request in one syscall
//       (the fast path: one kernel entry per request instead of two);
//   (3) when every client has closed its send right, the receive returns HB_ERR_PEER_CLOSED.
// If the server dropped a reply capability without answering, that caller would wake with
// HB_ERR_PEER_CLOSED, never hang.
#include "calc_protocol.h"
#include "example.h"

#include <cstring>

namespace {

calc_reply compute(const calc_request& request) {
  switch (request.op) {
    case '+': return {int64_t{request.a} + request.b, 1};
    case '-': return {int64_t{request.a} - request.b, 1};
    case '*': return {int64_t{request.a} * request.b, 1};
    default: return {0, 0};
  }
}

}  // namespace

int main() {
  hb_start_info start = start_or_exit("calc-server", 1);
  const hb_handle_t service = start.handles[0];

  calc_request request{};
  hb_msg_in in{};
  in.data = &request;
  in.cap = sizeof request;
  hb_status_t s = hb_recv(service, &in, 0, HB_FOREVER);  // (1)
  int served = 0;
  while (s == HB_OK) {
    const calc_reply answer = compute(request);
    say("task %llu asks %d %c %d", static_cast<unsigned long long>(in.sender),
        request.a, request.op, request.b);
    const hb_msg_out out{&answer, sizeof answer, 0, nullptr};
    const hb_handle_t reply = in.reply;
    ++served;
    in = hb_msg_in{};
    in.data = &request;
    in.cap = sizeof request;
    s = hb_reply_recv(reply, &out, service, &in, HB_FOREVER);  // (2)
  }
  if (s != HB_ERR_PEER_CLOSED) {  // (3) is the only good way out
    say("recv failed: %s", hb_strerror(s));
    return 1;
  }
  say("no clients left after %d calls; closing", served);
  return 0;
}
