// tests/bench/percore_bench.cc - what the kernel's per-core caches buy a hosted Harbor
// machine (issue 5): N sender/receiver pairs on N emulated cores, all at once, with
// kernel::KernelConfig::per_core_caches on and off, in harbor_bench.
//
//   percore/harbor-caches-on/64/<N>-cores    N pairs; pair i's two tasks on emulated core i,
//   percore/harbor-caches-off/64/<N>-cores   wired by a bounded port of 16 of their own
//
// Each sender sends 64 B messages to its receiver through a bounded port of 16 (the sender
// may run ahead). Every message the kernel *holds* (queued, or blocked with its sender) is a
// buffer allocated on the sender's core and freed on the receiver's (here the same core):
// the path the magazines serve without touching the shared pool. A message handed straight
// to a receiver already waiting allocates nothing once the kernel has its one-copy fast path
// (docs/performance.md §8), so the counter `allocs_per_msg` says how many messages went
// through the caches at all, and `hit_pct` how many of those the magazines served (0 with
// the caches off). Time = from the first sender's start to the last sender's end (each
// prints its absolute CLOCK_MONOTONIC times, programs/bench_task.cc), per message of one
// pair: constant as pairs are added when the machine scales perfectly.
//
//   percore/harbor-whole-kernel/64/<N>-cores  the same with the caches on, but every
//                                             syscall taking the whole kernel lock
//                                             (MachineOptions::core_side = false)
//
// The pairs' sends and receives run on the core side of the kernel lock (kernel/
// kernel_lock.h): each pair under its own core's lock and its own port's, so N pairs can run
// at once, and a core's magazine hit touches nothing another core touches. The whole-kernel
// variant is the kernel before that split: one lock all pairs take turns on. The allocator is
// a small part of a hosted syscall; harbor_kmem_bench measures that layer on its own.
#include <benchmark/benchmark.h>
#include <hosted/machine.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common.h"
#include "percore_bench.h"

namespace bench {

namespace {

constexpr uint32_t kSize = 64;
constexpr uint32_t kCapacity = 16;

struct Outcome {
  Batch batch;
  double hit_pct{0};
  double allocs_per_msg{0};
};

uint64_t field(const std::string& text, const std::string& name) {
  size_t at = text.find(name);
  return at == std::string::npos ? 0 : std::stoull(text.substr(at + name.size()));
}

Outcome run_pairs(uint32_t pairs, uint64_t n, bool caches, bool core_side) {
  hosted::MachineOptions options;
  options.cores = pairs;
  options.kernel.per_core_caches = caches;
  options.core_side = core_side;
  hosted::Machine machine(options);
  std::mutex mutex;
  std::map<hb_task_id_t, std::string> console;
  machine.set_console([&](hb_task_id_t task, const std::string&, const std::string& text) {
    std::lock_guard<std::mutex> guard(mutex);
    console[task] += text;
  });
  auto output = [&](hb_task_id_t task) {
    std::lock_guard<std::mutex> guard(mutex);
    return console[task];
  };
  const uint64_t warmup = std::min<uint64_t>(n, 1000);
  const std::string timeout = std::to_string(10 * kSecondNs);
  const std::string size = std::to_string(kSize);
  std::vector<hb_task_id_t> senders, all;
  for (uint32_t core = 0; core < pairs; ++core) {
    hosted::Machine::PortCaps port = machine.make_port(HB_PORT_BOUNDED, kCapacity, 0);
    if (port.status != HB_OK)
      return {Batch::failed(std::string("make_port: ") + hb_strerror(port.status))};
    hosted::Machine::Started receiver = machine.start(
        HARBOR_BENCH_TASK, {"recv", std::to_string(n + warmup), size, timeout, size}, core,
        {port.recv});
    hosted::Machine::Started sender = machine.start(
        HARBOR_BENCH_TASK, {"send", std::to_string(n), size, std::to_string(warmup), timeout, size},
        core, {port.send});
    if (receiver.status != HB_OK || sender.status != HB_OK)
      return {Batch::failed("start bench_task: " +
                            std::string(hb_strerror(receiver.status != HB_OK ? receiver.status
                                                                             : sender.status)))};
    senders.push_back(sender.task);
    all.push_back(receiver.task);
    all.push_back(sender.task);
  }
  uint64_t first_start = UINT64_MAX, last_end = 0;
  const uint64_t deadline = 30 * kSecondNs + (n + warmup) * 1000000ull;
  for (hb_task_id_t task : senders) {
    hosted::Machine::Exit exit = machine.wait(task, deadline);
    if (exit.status != HB_OK || exit.code != 0) {
      for (hb_task_id_t t : all) machine.kill(t);
      return {Batch::failed("sender " + std::to_string(task) + " did not finish cleanly (" +
                            hb_strerror(exit.status) + ", exit " + std::to_string(exit.code) +
                            "): " + output(task))};
    }
    std::string text = output(task);
    uint64_t t0 = field(text, "BENCH t0="), t1 = field(text, " t1=");
    if (t0 == 0 || t1 <= t0) return {Batch::failed("no BENCH t0/t1 line: " + text)};
    first_start = std::min(first_start, t0);
    last_end = std::max(last_end, t1);
  }
  Outcome out;
  out.batch.ns = last_end - first_start;
  uint64_t hits = 0, misses = 0;
  machine.with_kernel([&](kernel::Kernel& k) {
    for (uint32_t core = 0; core < pairs; ++core) {
      hits += k.caches().stats(core).hits;
      misses += k.caches().stats(core).misses;
    }
  });
  out.hit_pct = hits + misses ? 100.0 * static_cast<double>(hits) / static_cast<double>(hits + misses) : 0;
  // With the caches off the kernel's allocations are not counted anywhere: 0.
  out.allocs_per_msg = static_cast<double>(hits + misses) / static_cast<double>(pairs * (n + warmup));
  return out;  // the machine's destructor reaps the receivers, outside the measured time
}

}  // namespace

std::vector<uint32_t> percore_core_counts() {
  const uint32_t host = std::max(1u, std::thread::hardware_concurrency());
  std::vector<uint32_t> counts;
  for (uint32_t n = 1; n <= host && n <= 8; n *= 2) counts.push_back(n);
  if (counts.back() != host && host <= 8) counts.push_back(host);
  return counts;
}

std::string percore_key(bool caches, uint32_t cores) {
  return std::string("percore/") + (caches ? "harbor-caches-on" : "harbor-caches-off") + "/" +
         std::to_string(kSize) + "/" + std::to_string(cores) + "-cores";
}

std::string percore_whole_kernel_key(uint32_t cores) {
  return "percore/harbor-whole-kernel/" + std::to_string(kSize) + "/" + std::to_string(cores) +
         "-cores";
}

void register_percore_benchmarks() {
  struct Variant {
    bool caches;
    bool core_side;
  };
  for (uint32_t cores : percore_core_counts())
    for (Variant v : {Variant{true, true}, Variant{false, true}, Variant{true, false}}) {
      const std::string key =
          v.core_side ? percore_key(v.caches, cores) : percore_whole_kernel_key(cores);
      benchmark::RegisterBenchmark(key.c_str(), [=](benchmark::State& state) {
        const uint64_t n = static_cast<uint64_t>(state.max_iterations);
        Outcome out = run_pairs(cores, n, v.caches, v.core_side);
        if (!out.batch.ok()) {
          state.SkipWithError(out.batch.error.c_str());
          return;
        }
        const double each = static_cast<double>(out.batch.ns) * 1e-9 / static_cast<double>(n);
        for (auto _ : state) state.SetIterationTime(each);
        state.SetItemsProcessed(static_cast<int64_t>(n * cores));  // messages, all pairs
        state.counters["hit_pct"] = out.hit_pct;
        state.counters["allocs_per_msg"] = out.allocs_per_msg;
      })->UseManualTime()->Unit(benchmark::kMicrosecond);
    }
}

}  // namespace bench
