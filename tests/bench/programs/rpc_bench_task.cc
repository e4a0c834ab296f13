// rpc_bench_task - the task program of harbor_bench's rpc/ benchmarks (tests/bench/rpc_bench.cc):
// a 64-byte request and a 64-byte answer, by hand with hb_call / hb_reply_recv, or through the
// stubs hbidl generated from rpc_bench.hbidl. Same conventions as bench_task.cc: the port is
// handle 0 of the start message; the client warms up, times N calls with CLOCK_MONOTONIC and
// prints "BENCH ns=<n>"; failures print "FAIL ..." and exit 1.
//
//   raw-server TIMEOUT                 hb_reply_recv loop echoing 64 bytes
//   raw-client N WARMUP TIMEOUT        N hb_call of 64 bytes, each answer's length checked
//   stub-server                        bench_serve (the generated dispatch and loop)
//   stub-client N WARMUP TIMEOUT       N bench_echo calls (the generated stub)
#include <harbor/runtime.h>
#include <harbor/sys.h>
#include <time.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "rpc_bench_rpc.h"

namespace {

hb_start_info g_start;
constexpr uint32_t kSize = 64;

uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

uint64_t arg(uint32_t index) {
  if (index >= g_start.argc) {
    hb_print("FAIL missing argument\n");
    hb_task_exit(1);
  }
  return std::strtoull(g_start.argv[index], nullptr, 0);
}

hb_time_t timeout_arg(uint32_t index) {
  uint64_t ns = arg(index);
  return ns == 0 ? HB_FOREVER : ns;
}

[[noreturn]] void fail(const char* what, hb_status_t status) {
  std::string line = std::string("FAIL ") + what + ": " + hb_strerror(status) + "\n";
  hb_print(line.c_str());
  hb_task_exit(1);
}

template <typename F>
int timed(F one) {
  const uint64_t n = arg(1), warmup = arg(2);
  for (uint64_t i = 0; i < warmup; ++i) one();
  const uint64_t t0 = now_ns();
  for (uint64_t i = 0; i < n; ++i) one();
  std::string line = "BENCH ns=" + std::to_string(now_ns() - t0) + "\n";
  hb_print(line.c_str());
  return 0;
}

int raw_server() {
  const hb_time_t timeout = timeout_arg(1);
  char buffer[kSize];
  hb_msg_out answer{buffer, kSize, 0, nullptr};
  hb_handle_t reply = HB_INVALID;
  for (;;) {
    hb_msg_in in{};
    in.data = buffer;
    in.cap = kSize;
    hb_status_t s = hb_reply_recv(reply, &answer, g_start.handles[0], &in, timeout);
    if (s == HB_ERR_PEER_CLOSED) return 0;
    if (s != HB_OK) fail("raw-server reply_recv", s);
    reply = in.reply;
  }
}

int raw_client() {
  const hb_time_t timeout = timeout_arg(3);
  char request[kSize], answer[kSize];
  std::memset(request, 'q', sizeof request);
  hb_msg_out out{request, kSize, 0, nullptr};
  return timed([&] {
    hb_msg_in in{};
    in.data = answer;
    in.cap = kSize;
    hb_status_t s = hb_call(g_start.handles[0], &out, &in, timeout);
    if (s != HB_OK) fail("raw-client call", s);
    if (in.len != kSize) fail("raw-client answer length", HB_ERR_INVALID_ARG);
  });
}

hb_status_t echo(void*, const uint8_t* data, uint32_t data_count, uint8_t back[56],
                 uint32_t* back_count) {
  std::memcpy(back, data, data_count);
  *back_count = data_count;
  return HB_OK;
}

int stub_server() {
  static const bench_ops ops = {echo};
  hb_status_t s = bench_serve(g_start.handles[0], &ops, nullptr);
  if (s != HB_ERR_PEER_CLOSED) fail("stub-server serve", s);
  return 0;
}

int stub_client() {
  const hb_time_t timeout = timeout_arg(3);
  uint8_t data[52], back[56];
  std::memset(data, 'q', sizeof data);
  return timed([&] {
    uint32_t count = 0;
    hb_status_t s = bench_echo(g_start.handles[0], timeout, data, sizeof data, back, &count);
    if (s != HB_OK) fail("stub-client echo", s);
    if (count != sizeof data) fail("stub-client answer length", HB_ERR_INVALID_ARG);
  });
}

}  // namespace

int main() {
  if (hb_start_args(&g_start) != HB_OK || g_start.argc < 1 || g_start.handle_count < 1) {
    hb_print("FAIL no start message with a mode and a port\n");
    return 1;
  }
  const std::string mode = g_start.argv[0];
  if (mode == "raw-server") return raw_server();
  if (mode == "raw-client") return raw_client();
  if (mode == "stub-server") return stub_server();
  if (mode == "stub-client") return stub_client();
  hb_print("FAIL unknown mode\n");
  return 1;
}
