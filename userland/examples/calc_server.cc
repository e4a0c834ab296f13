// calc-server - answers arithmetic requests, until no client is left.
//
//   start message: handles[0]  the receive right of the service port
//
// The messages are described once, in calc.hbidl; hbidl generates the marshaling, the checks
// and the server loop (calc_rpc_server.c, read it: docs/rpc.md walks through it). What is
// left here is the service itself: one member function per method of calc.hbidl.
//
// The server loop of every microkernel service, as calc_serve runs it:
//   (1) hb_recv waits for the first request; a request made with hb_call carries a reply
//       capability (in.reply): a one-shot right to answer exactly this caller;
//   (2) calc_dispatch checks the request completely and calls compute() or served();
//   (3) hb_reply_recv answers through the capability and waits for the next request in one
//       syscall (the fast path: one kernel entry per request instead of two);
//   (4) when every client has closed its send right, the receive returns HB_ERR_PEER_CLOSED.
#include "calc_rpc.hpp"
#include "example.h"

namespace {

char symbol(calc_op op) {
  switch (op) {
    case CALC_OP_ADD: return '+';
    case CALC_OP_SUB: return '-';
    case CALC_OP_MUL: return '*';
    case CALC_OP_DIV: return '/';
  }
  return '?';  // never: the generated dispatch refuses any other value
}

class Calculator {
 public:
  hb_status_t compute(calc_op op, int32_t a, int32_t b, int64_t* value) {
    ++m_served;
    say("asked %d %c %d", a, symbol(op), b);
    switch (op) {
      case CALC_OP_ADD: *value = int64_t{a} + b; return HB_OK;
      case CALC_OP_SUB: *value = int64_t{a} - b; return HB_OK;
      case CALC_OP_MUL: *value = int64_t{a} * b; return HB_OK;
      case CALC_OP_DIV:
        if (b == 0) return HB_ERR_INVALID_ARG;  // the client's stub returns exactly this
        *value = int64_t{a} / b;
        return HB_OK;
    }
    return HB_ERR_INVALID_ARG;
  }
  hb_status_t served(uint32_t* count) {
    *count = ++m_served;
    return HB_OK;
  }
  int calls() const { return m_served; }

 private:
  int m_served{0};
};

}  // namespace

int main() {
  hb_start_info start = start_or_exit("calc-server", 1);
  harbor::Handle service(start.handles[0]);
  Calculator calculator;
  const hb_status_t s = calc_rpc::serve(service, calculator);  // (1)-(4)
  if (s != HB_ERR_PEER_CLOSED) {  // (4) is the only good way out
    say("recv failed: %s", hb_strerror(s));
    return 1;
  }
  say("no clients left after %d calls; closing", calculator.calls());
  return 0;
}
