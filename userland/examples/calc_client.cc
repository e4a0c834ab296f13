// calc-client - asks the calc server three questions with hb_call.
//
//   start message: handles[0]  a send right to the service port
//
// hb_call = send the request + wait for the answer, in one syscall. The kernel makes a
// one-shot reply capability for this call and gives it to the server with the request, so
// the answer can only come from the task that took the request, and only once.
#include "calc_protocol.h"
#include "example.h"

int main() {
  hb_start_info start = start_or_exit("calc-client", 1);
  const hb_handle_t service = start.handles[0];

  const calc_request questions[] = {{'+', 2, 3}, {'*', 6, 7}, {'-', 10, 25}};
  for (const calc_request& q : questions) {
    calc_reply answer{};
    hb_msg_in in{};
    in.data = &answer;
    in.cap = sizeof answer;
    const hb_msg_out out{&q, sizeof q, 0, nullptr};
    const hb_status_t s = hb_call(service, &out, &in, HB_FOREVER);
    if (s != HB_OK || in.len != sizeof answer || !answer.ok) {
      say("call failed: %s", hb_strerror(s));
      return 1;
    }
    say("%d %c %d = %lld", q.a, q.op, q.b, static_cast<long long>(answer.value));
  }
  return 0;  // exiting closes our send right: the server sees HB_ERR_PEER_CLOSED
}
