// tests/bench/cases.cc - the benchmark list and the ratio table (cases.h).
//
// Each benchmark runs one batch per Google Benchmark run: n = state.max_iterations
// operations, timed by the measuring process itself (common.h), reported as n iterations of
// manual time. The placement (PinScope) is set before the machine or the child process
// exists and undone after, so floating and one-core runs share one binary and one run.
#include "cases.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <ostream>

#include "common.h"
#include "harbor_ipc.h"
#include "linux_ipc.h"
#include "percore_bench.h"
#include "pipe_bench.h"

namespace bench {

namespace {

constexpr uint32_t kRttSizes[] = {8, 64, 4096, 65536};
constexpr Peer kRttPeers[] = {Peer::kPipe, Peer::kUnixStream, Peer::kUnixSeqpacket,
                              Peer::kMessageQueue, Peer::kFutexShm};
constexpr Peer kStreamPeers[] = {Peer::kPipe, Peer::kUnixStream};
constexpr Placement kPlacements[] = {Placement::kFloating, Placement::kOneCore};
constexpr uint64_t kBulkSizes[] = {1u << 20, 16u << 20};
// The bounded port of the streaming benchmark holds what a default 64 KiB pipe buffer holds:
// 1024 messages of 64 bytes.
constexpr uint32_t kStreamCapacity = 1024;

std::string key(const std::string& group, const std::string& impl, uint64_t size, Placement p) {
  return group + "/" + impl + "/" + std::to_string(size) + "/" + placement_name(p);
}

struct Per {
  uint64_t items{0};  // messages per iteration (items_per_second)
  uint64_t bytes{0};  // bytes per iteration (bytes_per_second)
};

void add(const std::string& name, Placement placement, std::function<Batch(uint64_t)> run,
         Per per = {}, benchmark::TimeUnit unit = benchmark::kMicrosecond) {
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
    if (per.items) state.SetItemsProcessed(static_cast<int64_t>(n * per.items));
    if (per.bytes) state.SetBytesProcessed(static_cast<int64_t>(n * per.bytes));
  })->UseManualTime()->Unit(unit);
}

std::string human_time(double seconds) {
  char text[32];
  if (seconds < 0) return "-";
  if (seconds < 1e-6) std::snprintf(text, sizeof text, "%.0f ns", seconds * 1e9);
  else if (seconds < 1e-3) std::snprintf(text, sizeof text, "%.2f us", seconds * 1e6);
  else std::snprintf(text, sizeof text, "%.2f ms", seconds * 1e3);
  return text;
}

std::string human_size(uint64_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " B";
}

// One line of the table. kTime: Harbor time / peer time (below 1: Harbor is faster).
// kRate: Harbor rate / peer rate = peer time / Harbor time (above 1: Harbor is faster).
enum class Ratio { kTime, kRate };

struct Row {
  std::string what, harbor, peer, peer_label;
  Ratio ratio;
  double bound{0};  // a target when > 0: kTime wants ratio <= bound, kRate ratio >= bound
};

std::vector<Row> rows() {
  std::vector<Row> out;
  for (Placement p : kPlacements)
    for (uint32_t size : kRttSizes)
      for (Peer peer : kRttPeers) {
        Row row{"rtt " + human_size(size) + " " + placement_name(p), key("rtt", "harbor", size, p),
                key("rtt", peer_name(peer), size, p), peer_name(peer), Ratio::kTime};
        if (size == 64 && peer == Peer::kPipe) row.bound = p == Placement::kFloating ? 0.1 : 2.0;
        out.push_back(row);
      }
  for (Placement p : kPlacements)
    for (Peer peer : kStreamPeers) {
      Row row{"stream 64 B " + std::string(placement_name(p)),
              key("stream", "harbor", kStreamSize, p), key("stream", peer_name(peer), kStreamSize, p),
              peer_name(peer), Ratio::kRate};
      if (peer == Peer::kPipe) row.bound = 1.0;
      out.push_back(row);
    }
  for (uint64_t total : kBulkSizes) {
    std::string what = "bulk " + human_size(total) + " floating";
    Placement p = Placement::kFloating;
    out.push_back({what, key("bulk", "harbor", total, p), key("bulk", "memcpy", total, p), "memcpy",
                   Ratio::kRate, 0.5});
    out.push_back({what + " rendezvous", key("bulk", "harbor-rendezvous", total, p),
                   key("bulk", "memcpy", total, p), "memcpy", Ratio::kRate});
    out.push_back({what + " caches on", key("bulk", "harbor-caches", total, p),
                   key("bulk", "memcpy", total, p), "memcpy", Ratio::kRate});
    out.push_back({what, key("bulk", "pipe", total, p), key("bulk", "memcpy", total, p),
                   "memcpy (pipe/memcpy)", Ratio::kRate});
    out.push_back({what, key("bulk", "harbor", total, p), key("bulk", "pipe", total, p), "pipe",
                   Ratio::kRate});
    // The same placement as Harbor's two tasks (the machine pins them to two CPUs): the
    // pipe's writer and reader on two CPUs.
    out.push_back({"bulk " + human_size(total) + " split", key("bulk", "pipe", total, Placement::kSplit),
                   key("bulk", "memcpy", total, p), "memcpy (pipe/memcpy)", Ratio::kRate});
    out.push_back({what, key("bulk", "harbor", total, p), key("bulk", "pipe", total, Placement::kSplit),
                   "pipe split", Ratio::kRate});
    // Grant regions (region_bench.cc): zero-copy, issue 5 wants >= 0.8x memcpy.
    out.push_back({what + " region", key("bulk", "region", total, p),
                   key("bulk", "memcpy", total, p), "memcpy", Ratio::kRate, 0.8});
    out.push_back({what + " handoff", key("bulk", "region-handoff", total, p),
                   key("bulk", "memcpy", total, p), "memcpy", Ratio::kRate});
  }
  // Per-core caches (percore_bench.cc): the same machine with the kernel's magazines on
  // against off; above 1 the caches make the N pairs faster.
  for (uint32_t cores : percore_core_counts())
    out.push_back({"per-core 64 B, " + std::to_string(cores) + " pairs/cores", percore_key(true, cores),
                   percore_key(false, cores), "caches off", Ratio::kRate});
  // The kernel lock's core side (kernel/kernel_lock.h): the same machine, caches on, with
  // every syscall taking the whole kernel instead; above 1 the pairs gain from running at once.
  for (uint32_t cores : percore_core_counts())
    out.push_back({"core-side lock, " + std::to_string(cores) + " pairs",
                   percore_key(true, cores), percore_whole_kernel_key(cores), "whole kernel",
                   Ratio::kRate});
  // Pipes (pipe_bench.cc): harbor/pipe.h against pipe(2), SIZE-byte writes, 64 KiB reads.
  for (uint32_t size : pipe_write_sizes()) {
    const Placement f = Placement::kFloating;
    const std::string what = "pipe " + human_size(size) + " writes";
    out.push_back({what, pipe_key("harbor", size, f), pipe_key("linux", size, f), "linux pipe",
                   Ratio::kRate, size >= 65536 ? 1.0 : 0.5});
    out.push_back({what, pipe_key("harbor", size, f), pipe_key("linux", size, Placement::kSplit),
                   "linux pipe split", Ratio::kRate});
    out.push_back({what + " deep", pipe_key("harbor-deep", size, f), pipe_key("linux", size, f),
                   "linux pipe", Ratio::kRate});
    out.push_back({what, pipe_key("harbor", size, f), pipe_key("linux-1mib", size, f),
                   "linux pipe 1 MiB", Ratio::kRate});
  }
  return out;
}

}  // namespace

void Results::add_run(const std::string& name, double seconds) { m_runs[name].push_back(seconds); }
void Results::add_median(const std::string& name, double seconds) { m_medians[name] = seconds; }
void Results::add_error(const std::string& name, const std::string& message) {
  m_errors[name] = message;
}

double Results::seconds(const std::string& name) const {
  if (m_errors.count(name)) return -1;
  if (auto it = m_medians.find(name); it != m_medians.end()) return it->second;
  auto it = m_runs.find(name);
  if (it == m_runs.end() || it->second.empty()) return -1;
  std::vector<double> v = it->second;
  std::sort(v.begin(), v.end());
  size_t mid = v.size() / 2;
  return v.size() % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

bool Results::ran(const std::string& name) const {
  return m_errors.count(name) || m_medians.count(name) || m_runs.count(name);
}

std::string Results::error(const std::string& name) const {
  auto it = m_errors.find(name);
  return it == m_errors.end() ? "" : it->second;
}

bool Results::has_failures() const {
  for (const auto& [name, message] : m_errors)
    if (message.rfind("unsupported: ", 0) != 0) return true;
  return false;
}

void register_benchmarks() {
  for (Placement p : kPlacements) {
    for (uint32_t size : kRttSizes) {
      add(key("rtt", "harbor", size, p), p, [=](uint64_t n) { return harbor_round_trips(size, n); });
      for (Peer peer : kRttPeers)
        add(key("rtt", peer_name(peer), size, p), p,
            [=](uint64_t n) { return peer_round_trips(peer, size, n); });
    }
  }
  const Per message{1, kStreamSize};
  for (Placement p : kPlacements) {
    add(key("stream", "harbor", kStreamSize, p), p,
        [=](uint64_t n) { return harbor_stream(kStreamSize, n, kStreamCapacity); }, message,
        benchmark::kNanosecond);
    for (Peer peer : kStreamPeers)
      add(key("stream", peer_name(peer), kStreamSize, p), p,
          [=](uint64_t n) { return peer_stream(peer, kStreamSize, n); }, message,
          benchmark::kNanosecond);
  }
  const Placement floating = Placement::kFloating;
  for (uint64_t total : kBulkSizes) {
    const Per bytes{0, total};
    add(key("bulk", "harbor", total, floating), floating,
        [=](uint64_t n) { return harbor_bulk(total, n); }, bytes);
    // The same through a rendezvous port: the receiver always takes each message directly
    // from its sender (the fast path; no message waits in the kernel).
    add(key("bulk", "harbor-rendezvous", total, floating), floating,
        [=](uint64_t n) { return harbor_bulk(total, n, HarborOptions{}, 0); }, bytes);
    // The bounded port again with the kernel's per-core caches on (as harbor-emu runs): a
    // held 64 KiB message's buffer from a magazine instead of from malloc.
    add(key("bulk", "harbor-caches", total, floating), floating, [=](uint64_t n) {
      HarborOptions options;
      options.per_core_caches = true;
      return harbor_bulk(total, n, options);
    }, bytes);
    add(key("bulk", "pipe", total, floating), floating,
        [=](uint64_t n) { return pipe_bulk(total, n); }, bytes);
    add(key("bulk", "pipe", total, Placement::kSplit), Placement::kSplit,
        [=](uint64_t n) { return pipe_bulk(total, n); }, bytes);
    add(key("bulk", "memcpy", total, floating), floating,
        [=](uint64_t n) { return memcpy_bulk(total, n); }, bytes);
  }
  register_percore_benchmarks();
  register_pipe_benchmarks();
  // Diagnostics: the parts a Harbor round trip is made of.
  for (Placement p : kPlacements) {
    add(key("diag", "harbor-null-syscall", 0, p), p,
        [](uint64_t n) { return harbor_null_syscalls(n); });
    add(key("diag", "harbor-rtt-no-timeout", 64, p), p, [](uint64_t n) {
      return harbor_round_trips(64, n, HarborOptions{0, 0, false});
    });
    // What the wake-up policy's spinning buys: the same round trip with every wait a futex
    // sleep (MachineOptions::spin = false; docs/design.md 3b).
    add(key("diag", "harbor-rtt-no-spin", 64, p), p, [](uint64_t n) {
      HarborOptions options;
      options.spin = false;
      return harbor_round_trips(64, n, options);
    });
  }
  for (uint32_t size : {64u, 65536u})
    add(key("diag", "process-vm-writev", size, floating), floating,
        [=](uint64_t n) { return process_vm_copies(size, n); });
  // The cost of a wake-up across CPUs: the two processes pinned to different CPUs.
  for (Peer peer : {Peer::kPipe, Peer::kFutexShm})
    add(key("diag", std::string(peer_name(peer)) + "-rtt", 64, Placement::kSplit),
        Placement::kSplit, [=](uint64_t n) { return peer_round_trips(peer, 64, n); });
}

void print_ratios(const Results& results, std::ostream& out) {
  char line[256];
  out << "\nHarbor / peer (time ratio: below 1 Harbor is faster; rate ratio: above 1 Harbor is "
         "faster; medians when repeated)\n";
  std::snprintf(line, sizeof line, "%-30s %-22s %12s %12s %8s  %-6s %-10s %s\n", "what", "peer",
                "Harbor", "peer", "ratio", "kind", "target", "met");
  out << line;
  for (const Row& row : rows()) {
    double harbor = results.seconds(row.harbor);
    double peer = results.seconds(row.peer);
    if (!results.ran(row.harbor) || !results.ran(row.peer)) continue;  // filtered out
    std::string ratio = "-", target = "", met = "";
    if (harbor > 0 && peer > 0) {
      double r = row.ratio == Ratio::kTime ? harbor / peer : peer / harbor;
      char text[32];
      std::snprintf(text, sizeof text, "%.3fx", r);
      ratio = text;
      if (row.bound > 0) {
        bool ok = row.ratio == Ratio::kTime ? r <= row.bound : r >= row.bound;
        met = ok ? "MET" : "MISSED";
      }
    } else {
      std::string why = results.error(harbor > 0 ? row.peer : row.harbor);
      met = "n/a" + (why.empty() ? std::string() : " (" + why.substr(0, 60) + ")");
    }
    if (row.bound > 0) {
      std::snprintf(line, sizeof line, "%s %.2fx", row.ratio == Ratio::kTime ? "<=" : ">=", row.bound);
      target = line;
    }
    std::snprintf(line, sizeof line, "%-30s %-22s %12s %12s %8s  %-6s %-10s %s\n", row.what.c_str(),
                  row.peer_label.c_str(), human_time(harbor).c_str(), human_time(peer).c_str(),
                  ratio.c_str(), row.ratio == Ratio::kTime ? "time" : "rate", target.c_str(),
                  met.c_str());
    out << line;
  }

  // Diagnostics: a line only when one of its measurements ran.
  std::string diag;
  auto emit = [&](bool any, const char* format, auto... args) {
    if (!any) return;
    std::snprintf(line, sizeof line, format, args...);
    diag += line;
  };
  for (Placement p : kPlacements) {
    const char* where = placement_name(p);
    double null_call = results.seconds(key("diag", "harbor-null-syscall", 0, p));
    double rtt_no_spin = results.seconds(key("diag", "harbor-rtt-no-spin", 64, p));
    double rtt = results.seconds(key("rtt", "harbor", 64, p));
    double rtt_forever = results.seconds(key("diag", "harbor-rtt-no-timeout", 64, p));
    emit(null_call > 0, "  %-9s null syscall (1 trap = 2 handoffs): %s\n", where,
         human_time(null_call).c_str());
    emit(rtt_no_spin > 0 && rtt > 0,
         "  %-9s 64 B call/reply: %s with the default wake-up policy, %s when nobody spins\n",
         where, human_time(rtt).c_str(), human_time(rtt_no_spin).c_str());
    emit(rtt_forever > 0, "  %-9s 64 B call/reply: %s with a 10 s timeout, %s with HB_FOREVER\n",
         where, human_time(rtt).c_str(), human_time(rtt_forever).c_str());
    emit(null_call > 0 && rtt > 0, "  %-9s a 64 B call/reply costs %.2f null syscalls\n", where,
         rtt / null_call);
  }
  for (Peer peer : {Peer::kPipe, Peer::kFutexShm}) {
    double split =
        results.seconds(key("diag", std::string(peer_name(peer)) + "-rtt", 64, Placement::kSplit));
    emit(split > 0, "  %s 64 B round trip, the two processes on different CPUs: %s\n",
         peer_name(peer), human_time(split).c_str());
  }
  for (uint32_t size : {64u, 65536u}) {
    double copy = results.seconds(key("diag", "process-vm-writev", size, Placement::kFloating));
    emit(copy > 0, "  process_vm_writev of %s into another process: %s\n", human_size(size).c_str(),
         human_time(copy).c_str());
  }
  if (!diag.empty()) out << "\nWhere a Harbor round trip goes (per operation)\n" << diag;
}

}  // namespace bench
