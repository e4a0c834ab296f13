// harbor_kmem_bench - what the kernel's per-core caches (kernel/kmem_cache.h: magazines in
// front of a shared pool) buy, measured on the allocator itself: N host threads, each acting
// as one core (kmem/kmem_harness.h), allocate and free kernel message buffers through one
// KmemCache at the same time, with the magazines on and off.
//
//   harbor_kmem_bench                                  every configuration, then the ratios
//   harbor_kmem_bench --benchmark_repetitions=5        ratios from the medians
//
// Benchmark names: kmem/<layer>/<heap>/<bytes>/<cores> with
//   layer  magazines     KmemCache enabled: a core's own magazine first, the shared pool
//                        (one lock) for a batch when it is empty or full
//          no-magazines  KmemCache disabled: every buffer from the heap
//   heap   locked-heap   the heap behind it has one lock (a kernel heap shared by all cores)
//          malloc        glibc malloc (what the hosted arch uses; per-thread caches itself)
//   bytes  a message of 64 B or of 64 KiB (HB_MSG_MAX) as the kernel asks for it (payload
//          plus the Message header: size classes 256 B and 72 KiB)
//   cores  threads, each its own core, all running at once
// One iteration = allocate 4 buffers, then free them on the same core (a sender's message
// received on its own core: the common path the magazines are for). The table's times are
// wall-clock per buffer (alloc + free) as one core sees it: constant as cores are added when
// the layer scales perfectly; Google Benchmark's items/s are buffers per second, all cores.
//
// Why in-process: the hosted kernel runs every syscall under one big kernel lock, so two
// cores are never inside KmemCache at once there (docs/performance.md, "Per-core caches").
// This is the kernel's own kmem_cache.cc and trace.cc, compiled against kmem/include/arch.
#include <benchmark/benchmark.h>
#include <kernel/kmem_cache.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "kmem/kmem_harness.h"

namespace {

using kmem_harness::Heap;

constexpr uint32_t kBatch = 4;               // buffers held at once per core
constexpr uint32_t kHeader = 128;            // about sizeof(kernel::Message)
constexpr uint32_t kSizes[] = {64, 65536};   // payloads

struct Config {
  bool magazines;
  Heap heap;
  uint32_t bytes;  // payload
  uint32_t cores;
  // Thread i is core i * spacing. KmemCache keeps its per-core state in an array indexed by
  // core; spacing 8 puts cores 512 bytes apart or more. Before 441e712 cores 0 and 1 shared
  // cache lines (40-byte counters side by side); since, each core's state is alignas(64),
  // and `magazines-spaced` should cost the same as `magazines` (a check of false sharing).
  uint32_t spacing{1};
  std::string name() const {
    return std::string("kmem/") +
           (magazines ? (spacing > 1 ? "magazines-spaced" : "magazines") : "no-magazines") + "/" +
           kmem_harness::heap_name(heap) + "/" + std::to_string(bytes) + "/" +
           std::to_string(cores);
  }
};

// One cache per configuration, alive for the whole run (warm magazines: the steady state).
std::map<std::string, std::unique_ptr<kernel::KmemCache>>& caches() {
  static std::map<std::string, std::unique_ptr<kernel::KmemCache>> c;
  return c;
}

void run(benchmark::State& state, const Config& config, kernel::KmemCache* cache) {
  kmem_harness::set_current_core(static_cast<uint32_t>(state.thread_index()) * config.spacing);
  kmem_harness::set_heap(config.heap);
  const size_t bytes = config.bytes + kHeader;
  void* held[kBatch];
  for (auto _ : state) {
    for (uint32_t i = 0; i < kBatch; ++i) {
      held[i] = cache->alloc(bytes);
      if (!held[i]) {
        state.SkipWithError("out of memory");
        return;
      }
      benchmark::DoNotOptimize(held[i]);
    }
    for (uint32_t i = 0; i < kBatch; ++i) cache->free(held[i], bytes);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBatch);
}

struct Result {
  double ns_per_buffer{-1};  // median over repetitions when repeated
  std::vector<double> runs;
};

class Collecting : public benchmark::ConsoleReporter {
 public:
  explicit Collecting(std::map<std::string, Result>& results)
      : ConsoleReporter(OO_Tabular), m_results(results) {}
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.error_occurred || run.iterations <= 0) continue;
      // Threaded runs: real time is the wall time of the run, iterations summed over threads.
      std::string name = run.run_name.function_name;
      double per_buffer = run.real_accumulated_time * 1e9 * static_cast<double>(run.threads) /
                          static_cast<double>(run.iterations) / kBatch;
      if (run.run_type == Run::RT_Iteration) m_results[name].runs.push_back(per_buffer);
      else if (run.aggregate_name == "median") m_results[name].ns_per_buffer = per_buffer;
    }
    ConsoleReporter::ReportRuns(runs);
  }

 private:
  std::map<std::string, Result>& m_results;
};

double value(const Result& r) {
  if (r.ns_per_buffer > 0) return r.ns_per_buffer;
  if (r.runs.empty()) return -1;
  std::vector<double> v = r.runs;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const uint32_t host_cpus = std::max(1u, std::thread::hardware_concurrency());
  std::vector<uint32_t> core_counts;
  for (uint32_t n = 1; n <= host_cpus && n <= 16; n *= 2) core_counts.push_back(n);
  if (core_counts.back() != host_cpus && host_cpus <= 16) core_counts.push_back(host_cpus);

  std::vector<Config> configs;
  for (uint32_t bytes : kSizes)
    for (Heap heap : {Heap::kLocked, Heap::kMalloc})
      for (uint32_t cores : core_counts)
        for (bool magazines : {true, false}) configs.push_back({magazines, heap, bytes, cores});
  for (uint32_t bytes : kSizes)
    for (uint32_t cores : core_counts)
      if (cores > 1) configs.push_back({true, Heap::kLocked, bytes, cores, 8});
  for (const Config& config : configs) {
    auto cache = std::make_unique<kernel::KmemCache>();
    cache->set_enabled(config.magazines);
    kernel::KmemCache* c = cache.get();
    caches()[config.name()] = std::move(cache);
    benchmark::RegisterBenchmark(config.name().c_str(),
                                 [config, c](benchmark::State& s) { run(s, config, c); })
        ->Threads(static_cast<int>(config.cores))
        ->UseRealTime();
  }

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  std::map<std::string, Result> results;
  Collecting reporter(results);
  benchmark::RunSpecifiedBenchmarks(&reporter);

  // The ratios: what the magazines buy at each core count, and how each layer scales.
  std::printf(
      "\nPer-core caches (magazines) against no magazines, per buffer (alloc + free), wall "
      "time;\nspeed-up = no-magazines time / magazines time (above 1: the magazines are "
      "faster);\nscaling = buffers/s on N cores / buffers/s on 1 core (N: perfect)\n");
  std::printf("%-12s %-8s %5s %14s %14s %9s %9s %9s  %s\n", "heap", "bytes", "cores",
              "magazines", "no-magazines", "speed-up", "scale on", "scale off", "hits/misses");
  for (const Config& config : configs) {
    if (!config.magazines || config.spacing > 1) continue;
    Config off = config;
    off.magazines = false;
    Config one = config;
    one.cores = 1;
    Config one_off = off;
    one_off.cores = 1;
    double on_ns = value(results[config.name()]), off_ns = value(results[off.name()]);
    double one_ns = value(results[one.name()]), one_off_ns = value(results[one_off.name()]);
    if (on_ns <= 0 && off_ns <= 0) continue;  // filtered out
    uint64_t hits = 0, misses = 0;
    kernel::KmemCache& cache = *caches()[config.name()];
    for (uint32_t core = 0; core < config.cores; ++core) {
      hits += cache.stats(core * config.spacing).hits;
      misses += cache.stats(core * config.spacing).misses;
    }
    char speed[16] = "-", scale_on[16] = "-", scale_off[16] = "-";
    if (on_ns > 0 && off_ns > 0) std::snprintf(speed, sizeof speed, "%.2fx", off_ns / on_ns);
    if (on_ns > 0 && one_ns > 0)
      std::snprintf(scale_on, sizeof scale_on, "%.2f", config.cores * one_ns / on_ns);
    if (off_ns > 0 && one_off_ns > 0)
      std::snprintf(scale_off, sizeof scale_off, "%.2f", config.cores * one_off_ns / off_ns);
    auto ns = [](double v) {
      char text[24] = "-";
      if (v > 0) std::snprintf(text, sizeof text, "%.1f ns", v);
      return std::string(text);
    };
    std::printf("%-12s %-8u %5u %14s %14s %9s %9s %9s  %llu/%llu\n",
                kmem_harness::heap_name(config.heap), config.bytes, config.cores, ns(on_ns).c_str(),
                ns(off_ns).c_str(), speed, scale_on, scale_off, static_cast<unsigned long long>(hits),
                static_cast<unsigned long long>(misses));
  }
  // False sharing: the same magazines with each core's state on cache lines of its own.
  bool header = false;
  for (const Config& spaced : configs) {
    if (spaced.spacing == 1) continue;
    Config adjacent = spaced;
    adjacent.spacing = 1;
    double spaced_ns = value(results[spaced.name()]), adjacent_ns = value(results[adjacent.name()]);
    if (spaced_ns <= 0 || adjacent_ns <= 0) continue;
    if (!header)
      std::printf("\nFalse sharing of the per-core state (cores 0, 1, ... against 0, 8, 16, ...)\n"
                  "%-12s %-8s %5s %14s %14s %9s\n", "heap", "bytes", "cores", "adjacent",
                  "spaced", "adj/spaced");
    header = true;
    std::printf("%-12s %-8u %5u %11.1f ns %11.1f ns %8.2fx\n", kmem_harness::heap_name(spaced.heap),
                spaced.bytes, spaced.cores, adjacent_ns, spaced_ns, adjacent_ns / spaced_ns);
  }
  benchmark::Shutdown();
  return 0;
}
