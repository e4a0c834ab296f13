// bench_task - the Harbor task program that harbor_bench starts through hosted::Machine
// (tests/bench/harbor_ipc.cc). One program, one mode per role; the mode is the first argument,
// the port to use arrives as the first handle of the start message (harbor/runtime.h).
//
// Timing excludes process start-up: the measuring side warms up first, then reads the host's
// CLOCK_MONOTONIC (vDSO, no Harbor syscall) around the measured loop only, and reports the
// elapsed nanoseconds on the console as one line "BENCH ns=<n>". Failures print
// "FAIL <what>: <status>" and exit 1. Every blocking call carries TIMEOUT ns (0 = HB_FOREVER:
// then harbor_bench's Machine::wait deadline is the only guard against a hang).
//
//   null N TIMEOUT                     N hb_task_self calls (the bare cost of one trap)
//   rtt-server SIZE TIMEOUT            hb_reply_recv loop answering SIZE bytes, until the
//                                      port has no senders left (PEER_CLOSED)
//   rtt-client N SIZE WARMUP TIMEOUT   WARMUP then N timed hb_call of SIZE bytes
//   send N SIZE WARMUP TIMEOUT SPAN    WARMUP then N timed hb_send of SIZE bytes; the last of
//                                      each phase is HB_SEND_SYNC, so the time ends when the
//                                      receiver has taken every message. Message i is read
//                                      from offset (i*SIZE) % SPAN of a SPAN-byte buffer.
//                                      Also prints "BENCH t0=<ns> t1=<ns>" (CLOCK_MONOTONIC).
//   recv TOTAL SIZE TIMEOUT SPAN       TOTAL hb_recv of SIZE bytes into the same kind of buffer
#include <harbor/runtime.h>
#include <harbor/sys.h>

#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

hb_start_info g_start;

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

void report(uint64_t ns) {
  std::string line = "BENCH ns=" + std::to_string(ns) + "\n";
  hb_print(line.c_str());
}

hb_handle_t port() {
  if (g_start.handle_count < 1) fail("no port in the start message", HB_ERR_BAD_HANDLE);
  return g_start.handles[0];
}

int mode_null() {
  uint64_t n = arg(1);
  for (int i = 0; i < 1000; ++i) hb_task_self();
  uint64_t t0 = now_ns();
  for (uint64_t i = 0; i < n; ++i) hb_task_self();
  report(now_ns() - t0);
  return 0;
}

int mode_rtt_server() {
  uint32_t size = static_cast<uint32_t>(arg(1));
  hb_time_t timeout = timeout_arg(2);
  hb_handle_t p = port();
  std::vector<char> buffer(size ? size : 1);
  hb_msg_out answer{buffer.data(), size, 0, nullptr};
  hb_handle_t reply = HB_INVALID;
  for (;;) {
    hb_msg_in in{};
    in.data = buffer.data();
    in.cap = size;
    hb_status_t s = hb_reply_recv(reply, &answer, p, &in, timeout);
    if (s == HB_ERR_PEER_CLOSED) return 0;  // the client is done and gone
    if (s != HB_OK) fail("rtt-server reply_recv", s);
    reply = in.reply;
  }
}

int mode_rtt_client() {
  uint64_t n = arg(1);
  uint32_t size = static_cast<uint32_t>(arg(2));
  uint64_t warmup = arg(3);
  hb_time_t timeout = timeout_arg(4);
  hb_handle_t p = port();
  std::vector<char> request(size ? size : 1, 'q');
  std::vector<char> answer(size ? size : 1);
  hb_msg_out out{request.data(), size, 0, nullptr};
  auto one = [&] {
    hb_msg_in in{};
    in.data = answer.data();
    in.cap = size;
    hb_status_t s = hb_call(p, &out, &in, timeout);
    if (s != HB_OK) fail("rtt-client call", s);
    if (in.len != size) fail("rtt-client answer length", HB_ERR_INVALID_ARG);
  };
  for (uint64_t i = 0; i < warmup; ++i) one();
  uint64_t t0 = now_ns();
  for (uint64_t i = 0; i < n; ++i) one();
  report(now_ns() - t0);
  return 0;
}

int mode_send() {
  uint64_t n = arg(1);
  uint32_t size = static_cast<uint32_t>(arg(2));
  uint64_t warmup = arg(3);
  hb_time_t timeout = timeout_arg(4);
  uint64_t span = arg(5);
  if (span < size) span = size;
  hb_handle_t p = port();
  std::vector<char> buffer(span, 's');
  uint64_t offset = 0;
  auto phase = [&](uint64_t count) {
    for (uint64_t i = 0; i < count; ++i) {
      hb_msg_out out{buffer.data() + offset, size, 0, nullptr};
      offset = offset + size + size > span ? 0 : offset + size;
      hb_status_t s = hb_send(p, &out, i + 1 == count ? HB_SEND_SYNC : 0, timeout);
      if (s != HB_OK) fail("send", s);
    }
  };
  phase(warmup);
  uint64_t t0 = now_ns();
  phase(n);
  uint64_t t1 = now_ns();
  report(t1 - t0);
  // Absolute CLOCK_MONOTONIC times (one clock for every process on the host), so that a
  // benchmark running several senders at once can take the span from the first start to the
  // last end (percore_bench.cc).
  std::string times = "BENCH t0=" + std::to_string(t0) + " t1=" + std::to_string(t1) + "\n";
  hb_print(times.c_str());
  return 0;
}

int mode_recv() {
  uint64_t total = arg(1);
  uint32_t size = static_cast<uint32_t>(arg(2));
  hb_time_t timeout = timeout_arg(3);
  uint64_t span = arg(4);
  if (span < size) span = size;
  hb_handle_t p = port();
  std::vector<char> buffer(span);
  uint64_t offset = 0;
  for (uint64_t i = 0; i < total; ++i) {
    hb_msg_in in{};
    in.data = buffer.data() + offset;
    in.cap = size;
    offset = offset + size + size > span ? 0 : offset + size;
    hb_status_t s = hb_recv(p, &in, 0, timeout);
    if (s != HB_OK) fail("recv", s);
    if (in.len != size) fail("recv length", HB_ERR_INVALID_ARG);
  }
  return 0;
}

}  // namespace

int main() {
  hb_status_t s = hb_start_args(&g_start);
  if (s != HB_OK) fail("start args", s);
  std::string mode = g_start.argc > 0 ? g_start.argv[0] : "";
  int code = 2;
  if (mode == "null") code = mode_null();
  if (mode == "rtt-server") code = mode_rtt_server();
  if (mode == "rtt-client") code = mode_rtt_client();
  if (mode == "send") code = mode_send();
  if (mode == "recv") code = mode_recv();
  if (code == 2) hb_print(("FAIL unknown mode " + mode + "\n").c_str());
  hb_task_exit(code);
}
