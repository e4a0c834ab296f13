// calc-client - asks the calc server three questions.
//
//   start message: handles[0]  a send right to the service port
//
// Each question is one call of a generated stub (calc.hbidl -> calc_rpc.hpp): it marshals
// the arguments into a fixed-size request, makes one hb_call, checks the reply and returns
// harbor::Result<int64_t>. hb_call = send the request + wait for the answer, in one syscall;
// the kernel makes a one-shot reply capability for this call and gives it to the server with
// the request, so the answer can only come from the task that took the request, and only once.
#include "calc_rpc.hpp"
#include "example.h"

namespace {

struct Question {
  calc_op op;
  char symbol;
  int32_t a, b;
};

}  // namespace

int main() {
  hb_start_info start = start_or_exit("calc-client", 1);
  calc_rpc::Client calc{harbor::Handle(start.handles[0])};

  const Question questions[] = {
      {CALC_OP_ADD, '+', 2, 3}, {CALC_OP_MUL, '*', 6, 7}, {CALC_OP_SUB, '-', 10, 25}};
  for (const Question& q : questions) {
    harbor::Result<int64_t> answer = calc.compute(q.op, q.a, q.b);
    if (!answer) {
      say("call failed: %s", answer.message());  // HB_ERR_PEER_CLOSED: the server is gone
      return 1;
    }
    say("%d %c %d = %lld", q.a, q.symbol, q.b, static_cast<long long>(*answer));
  }
  return 0;  // exiting closes our send right: the server sees HB_ERR_PEER_CLOSED
}
