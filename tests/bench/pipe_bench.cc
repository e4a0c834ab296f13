// tests/bench/pipe_bench.cc - harbor/pipe.h against pipe(2) (pipe_bench.h).
//
// Both sides do the same thing: warm up, then time n writes of SIZE bytes from one process
// and reads of up to 64 KiB in another, until the reader has every byte and says so with one
// byte back through a second pipe. Process start-up and tear-down are outside the time.
//   Harbor: a fresh hosted::Machine per batch, two ports made with Machine::make_port (a pipe
//           is a bounded port), programs/pipe_bench_task as writer (it measures) and reader.
//   Linux:  pipe2() twice, this process writes and measures, a forked child reads.
#include "pipe_bench.h"

#include <benchmark/benchmark.h>
#include <harbor/pipe.h>
#include <hosted/machine.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <mutex>

namespace bench {

namespace {

constexpr uint32_t kReadSize = 65536;

uint64_t warmup_for(uint64_t n) { return n < 100 ? n : 100; }

// ---- Harbor ---------------------------------------------------------------------------

Batch harbor_pipe(uint32_t size, uint64_t n, uint32_t capacity) {
  hosted::Machine machine{hosted::MachineOptions{}};
  std::mutex mutex;
  std::string console;
  machine.set_console([&](hb_task_id_t, const std::string& name, const std::string& text) {
    std::lock_guard<std::mutex> guard(mutex);
    console += "[" + name + "] " + text;
  });
  auto text = [&] {
    std::lock_guard<std::mutex> guard(mutex);
    return console;
  };
  hosted::Machine::PortCaps data = machine.make_port(HB_PORT_BOUNDED, capacity, 0);
  hosted::Machine::PortCaps ack = machine.make_port(HB_PORT_BOUNDED, 1, 0);
  if (data.status != HB_OK || ack.status != HB_OK) return Batch::failed("make_port failed");
  const uint64_t warmup = warmup_for(n);
  auto reader = machine.start(HARBOR_PIPE_BENCH_TASK,
                              {"pipe-read", std::to_string(warmup * size), std::to_string(n * size)},
                              UINT32_MAX, {data.recv, ack.send});
  auto writer = machine.start(HARBOR_PIPE_BENCH_TASK,
                              {"pipe-write", std::to_string(n), std::to_string(size),
                               std::to_string(warmup)},
                              UINT32_MAX, {data.send, ack.recv});
  if (reader.status != HB_OK || writer.status != HB_OK)
    return Batch::failed(std::string("start pipe_bench_task: ") +
                         hb_strerror(reader.status != HB_OK ? reader.status : writer.status));
  const uint64_t deadline = 30 * kSecondNs + (n + warmup) * 1000000ull;
  hosted::Machine::Exit exit = machine.wait(writer.task, deadline);
  if (exit.status != HB_OK || exit.code != 0) {
    machine.kill(reader.task);
    machine.kill(writer.task);
    return Batch::failed("pipe writer did not finish well; console: " + text());
  }
  std::string out = text();
  size_t at = out.find("BENCH ns=");
  if (at == std::string::npos) return Batch::failed("no BENCH line; console: " + out);
  Batch batch;
  batch.ns = std::stoull(out.substr(at + 9));
  return batch;
}

// ---- Linux ----------------------------------------------------------------------------

bool write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// `pipe_size`: F_SETPIPE_SZ of the data pipe (0: the default 64 KiB).
Batch linux_pipe(uint32_t size, uint64_t n, int pipe_size = 0) {
  int data[2], ack[2];
  if (pipe2(data, O_CLOEXEC) != 0) return Batch::failed(std::string("pipe: ") + std::strerror(errno));
  if (pipe_size > 0 && fcntl(data[1], F_SETPIPE_SZ, pipe_size) < pipe_size) {
    std::string why = std::string("unsupported: F_SETPIPE_SZ ") + std::to_string(pipe_size) + ": " +
                      std::strerror(errno) + " (see /proc/sys/fs/pipe-max-size)";
    close(data[0]);
    close(data[1]);
    return Batch::failed(why);
  }
  if (pipe2(ack, O_CLOEXEC) != 0) {
    close(data[0]);
    close(data[1]);
    return Batch::failed(std::string("pipe: ") + std::strerror(errno));
  }
  const uint64_t warmup = warmup_for(n);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(0);
    pin_child();
    close(data[1]);
    close(ack[0]);
    std::vector<char> buffer(kReadSize);
    for (uint64_t phase : {warmup * size, n * size}) {
      for (uint64_t got = 0; got < phase;) {
        ssize_t r = read(data[0], buffer.data(), kReadSize);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) _exit(1);
        got += static_cast<uint64_t>(r);
      }
      if (!write_all(ack[1], "a", 1)) _exit(1);
    }
    _exit(0);
  }
  close(data[0]);
  close(ack[1]);
  Batch batch;
  if (pid < 0) batch = Batch::failed(std::string("fork: ") + std::strerror(errno));
  std::vector<char> buffer(size, 'p');
  uint64_t t0 = 0;
  for (uint64_t phase : {warmup, n}) {
    for (uint64_t i = 0; i < phase && batch.ok(); ++i)
      if (!write_all(data[1], buffer.data(), size)) batch = Batch::failed("write: the reader is gone");
    char byte;
    if (batch.ok() && read(ack[0], &byte, 1) != 1) batch = Batch::failed("no ack: the reader is gone");
    if (t0 == 0) t0 = now_ns();
  }
  batch.ns = now_ns() - t0;
  close(data[1]);
  close(ack[0]);
  if (pid > 0) {
    kill(pid, SIGKILL);
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  return batch;
}

void add(const std::string& name, Placement placement, uint32_t size,
         std::function<Batch(uint64_t)> run) {
  benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& state) {
    PinScope pin(placement);
    if (!pin.error().empty()) {
      state.SkipWithError(pin.error().c_str());
      return;
    }
    const uint64_t n = static_cast<uint64_t>(state.max_iterations);
    Batch batch = run(n);
    if (!batch.ok()) {
      state.SkipWithError(batch.error.c_str());
      return;
    }
    const double each = static_cast<double>(batch.ns) * 1e-9 / static_cast<double>(n);
    for (auto _ : state) state.SetIterationTime(each);
    state.SetBytesProcessed(static_cast<int64_t>(n * size));
  })->UseManualTime()->Unit(size >= 4096 ? benchmark::kMicrosecond : benchmark::kNanosecond);
}

}  // namespace

const std::vector<uint32_t>& pipe_write_sizes() {
  static const std::vector<uint32_t> sizes = {64, 65536};
  return sizes;
}

std::string pipe_key(const std::string& impl, uint32_t size, Placement placement) {
  return "pipe/" + impl + "/" + std::to_string(size) + "/" + placement_name(placement);
}

void register_pipe_benchmarks() {
  const Placement floating = Placement::kFloating;
  for (uint32_t size : pipe_write_sizes()) {
    add(pipe_key("harbor", size, floating), floating, size,
        [=](uint64_t n) { return harbor_pipe(size, n, HB_PIPE_CAPACITY_DEFAULT); });
    if (size < 4096)
      add(pipe_key("harbor-deep", size, floating), floating, size,
          [=](uint64_t n) { return harbor_pipe(size, n, 1024); });
    add(pipe_key("linux", size, floating), floating, size,
        [=](uint64_t n) { return linux_pipe(size, n); });
    // The same bytes in flight as Harbor's default pipe of 64 KiB chunks (16 x 64 KiB).
    if (size >= 4096)
      add(pipe_key("linux-1mib", size, floating), floating, size,
          [=](uint64_t n) { return linux_pipe(size, n, 1 << 20); });
    // Harbor's machine puts its two tasks on two CPUs: the Linux pipe placed the same way.
    add(pipe_key("linux", size, Placement::kSplit), Placement::kSplit, size,
        [=](uint64_t n) { return linux_pipe(size, n); });
  }
}

}  // namespace bench
