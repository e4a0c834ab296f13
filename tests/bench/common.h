// tests/bench/common.h - what every harbor_bench measurement shares: where the processes run
// (Placement, PinScope), the clock, and the outcome of one measured batch (Batch).
//
// Every measurement in harbor_bench is a *batch*: the measuring side (a Harbor task, or this
// process for the Linux peers) warms up, then times N operations with CLOCK_MONOTONIC and
// reports the total. The Google Benchmark wrapper turns that into N iterations of manual
// time (bench_main.cc), so process start-up and tear-down are never in the figures.
#pragma once

#include <sched.h>

#include <cstdint>
#include <string>

namespace bench {

enum class Placement {
  kFloating,  // the host scheduler places every process and thread (the default placement)
  kOneCore,   // everything pinned to one CPU (the first this process may use)
  kSplit,     // Linux peers only: this process on the first CPU, its child on the second
};

const char* placement_name(Placement placement);  // "floating" | "one-core" | "split"

// Pins the calling thread to one CPU for the life of the scope (kOneCore, kSplit) and
// restores its previous affinity afterwards. Threads it creates and processes it forks
// meanwhile inherit the pinning: so construct it *before* a hosted::Machine (whose serving,
// timer, monitor and spawner threads and task processes then all run on that CPU) or before
// fork(). With kSplit a forked child calls pin_child() to move to the second CPU.
class PinScope {
 public:
  explicit PinScope(Placement placement);
  ~PinScope();
  PinScope(const PinScope&) = delete;
  PinScope& operator=(const PinScope&) = delete;
  // Empty on success, else why the pinning failed.
  const std::string& error() const { return m_error; }

 private:
  cpu_set_t m_saved{};
  Placement m_placement;
  bool m_restore{false};
  std::string m_error;
};

// In a child forked inside a kSplit PinScope: move to the second allowed CPU (else no-op).
void pin_child();

uint64_t now_ns();

// The outcome of one batch: the nanoseconds the measured operations took, or why it failed.
struct Batch {
  std::string error;  // empty: ok
  uint64_t ns{0};
  bool ok() const { return error.empty(); }
  static Batch failed(std::string why) {
    Batch b;
    b.error = std::move(why);
    return b;
  }
};

// Sizes used by more than one file.
constexpr uint32_t kStreamSize = 64;       // one-way streaming message
constexpr uint32_t kBulkChunk = 65536;     // kernel-buffered bulk transfer: one HB_MSG_MAX message
constexpr uint32_t kMaxMessage = 65536;    // the largest round trip measured (HB_MSG_MAX)
constexpr uint64_t kSecondNs = 1000000000ull;

}  // namespace bench
