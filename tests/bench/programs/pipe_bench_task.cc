// pipe_bench_task - the Harbor side of harbor_bench's pipe benchmarks (pipe_bench.cc): a
// writer and a reader joined by a pipe of harbor/pipe.h, plus a second pipe back for the
// reader's acknowledgements. The time ends when the reader has read every byte.
//
//   pipe-write N SIZE WARMUP      handles: [0] the data pipe's write end, [1] the ack pipe's
//                                 read end. WARMUP then N timed hb_pipe_write of SIZE bytes,
//                                 each phase ended by the reader's ack; prints "BENCH ns=<n>".
//   pipe-read WARMUP_BYTES BYTES  handles: [0] the data pipe's read end, [1] the ack pipe's
//                                 write end. hb_pipe_read of up to 64 KiB at a time (as a
//                                 POSIX reader reads); one ack byte after WARMUP_BYTES and
//                                 after BYTES more.
// Failures print "FAIL <what>: <status>" and exit 1. Every call waits at most 10 s.
#include <harbor/pipe.h>
#include <harbor/runtime.h>

#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

constexpr hb_time_t kTimeout = 10'000'000'000ull;
hb_start_info g_start;

uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

uint64_t arg(uint32_t index) {
  return index < g_start.argc ? std::strtoull(g_start.argv[index], nullptr, 0) : 0;
}

int fail(const char* what, int64_t status) {
  std::string line = std::string("FAIL ") + what + ": " +
                     (status < 0 ? hb_strerror(static_cast<hb_status_t>(status)) : "end of file") + "\n";
  hb_print(line.c_str());
  return 1;
}

int mode_write() {
  const uint64_t n = arg(1), warmup = arg(3);
  const uint32_t size = static_cast<uint32_t>(arg(2));
  const hb_handle_t out = g_start.handles[0], ack = g_start.handles[1];
  std::vector<char> buffer(size, 'p');
  uint64_t t0 = 0;
  for (uint64_t phase : {warmup, n}) {
    for (uint64_t i = 0; i < phase; ++i) {
      int64_t wrote = hb_pipe_write(out, buffer.data(), size, kTimeout);
      if (wrote != size) return fail("hb_pipe_write", wrote);
    }
    char byte;
    int64_t got = hb_pipe_read(ack, &byte, 1, kTimeout);
    if (got != 1) return fail("ack", got);
    if (t0 == 0) t0 = now_ns();
  }
  char line[64];
  std::snprintf(line, sizeof line, "BENCH ns=%llu\n", static_cast<unsigned long long>(now_ns() - t0));
  hb_print(line);
  return 0;
}

int mode_read() {
  const uint64_t warmup = arg(1), bytes = arg(2);
  const hb_handle_t in = g_start.handles[0], ack = g_start.handles[1];
  std::vector<char> buffer(HB_PIPE_ATOMIC);
  for (uint64_t phase : {warmup, bytes}) {
    for (uint64_t got = 0; got < phase;) {
      int64_t n = hb_pipe_read(in, buffer.data(), HB_PIPE_ATOMIC, kTimeout);
      if (n <= 0) return fail("hb_pipe_read", n);
      got += static_cast<uint64_t>(n);
    }
    int64_t sent = hb_pipe_write(ack, "a", 1, kTimeout);
    if (sent != 1) return fail("ack", sent);
  }
  return 0;
}

}  // namespace

int main() {
  if (hb_start_args(&g_start) != HB_OK || g_start.handle_count < 2) return fail("start message", -1);
  std::string mode = g_start.argc > 0 ? g_start.argv[0] : "";
  if (mode == "pipe-write") return mode_write();
  if (mode == "pipe-read") return mode_read();
  return fail(("unknown mode " + mode).c_str(), -1);
}
