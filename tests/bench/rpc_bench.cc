// tests/bench/rpc_bench.cc - RPC through hbidl's generated stubs against raw hb_call (issue 13),
// in harbor_bench.
//
//   rpc/hbidl-stub/64/floating   one benchmark, two machines one after the other: a 64-byte
//                                request and a 64-byte answer, (a) by hand: hb_call against
//                                an hb_reply_recv loop; (b) through bench_echo against
//                                bench_serve (rpc_bench.hbidl). The time reported is (b);
//                                the counters: raw_us and stub_us (one call each) and
//                                overhead_pct = 100 * (stub - raw) / raw. Issue 13's target is
//                                at most 10 %. Quote medians: --benchmark_repetitions=5.
//
// Why two machines one after the other, and not both pairs in one machine with one client
// alternating between them: with three tasks on two emulated cores one of the servers shares
// a core with the client and every one of its calls is a context switch (tried: the stub pair
// came out twice as slow as the raw one, which measured the placement, not the stubs).
//
// The benchmarks register themselves (a static initializer, like region_bench.cc).
#include <benchmark/benchmark.h>
#include <harbor/sys.h>
#include <hosted/machine.h>

#include <mutex>
#include <string>
#include <vector>

#include "common.h"

namespace bench {

namespace {

// One machine, a rendezvous port, `server_args` started with its receive right and then
// `client_args` with its send right; the client's "BENCH ns=" line.
Batch run_pair(const std::vector<std::string>& server_args,
               const std::vector<std::string>& client_args, uint64_t deadline_ns) {
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
  hosted::Machine::PortCaps caps = machine.make_port(HB_PORT_RENDEZVOUS, 0, 0);
  if (caps.status != HB_OK) return Batch::failed(std::string("make_port: ") + hb_strerror(caps.status));
  kernel::Capability recv = caps.recv, send = caps.send;  // start() consumes what it is given
  caps.recv = kernel::Capability{};
  caps.send = kernel::Capability{};
  hosted::Machine::Started server = machine.start(HARBOR_RPC_BENCH_TASK, server_args, UINT32_MAX, {recv});
  if (server.status != HB_OK) {
    machine.close(send);
    return Batch::failed(std::string("start server: ") + hb_strerror(server.status));
  }
  hosted::Machine::Started client = machine.start(HARBOR_RPC_BENCH_TASK, client_args, UINT32_MAX, {send});
  if (client.status != HB_OK) return Batch::failed(std::string("start client: ") + hb_strerror(client.status));
  hosted::Machine::Exit exit = machine.wait(client.task, deadline_ns);
  if (exit.status != HB_OK || exit.code != 0) {
    machine.kill(client.task);
    machine.kill(server.task);
    return Batch::failed("client did not finish well; console: " + text());
  }
  std::string out = text();
  size_t at = out.find("BENCH ns=");
  if (at == std::string::npos) return Batch::failed("no BENCH line; console: " + out);
  Batch batch;
  batch.ns = std::stoull(out.substr(at + 9));
  return batch;
}

void rpc_benchmark(benchmark::State& state) {
  const uint64_t n = static_cast<uint64_t>(state.max_iterations);
  const std::string count = std::to_string(n), warmup = std::to_string(n < 200 ? n : 200);
  const std::string timeout = std::to_string(10 * kSecondNs);
  const uint64_t deadline = 30 * kSecondNs + (n + 200) * 1000000ull;
  Batch raw = run_pair({"raw-server", timeout}, {"raw-client", count, warmup, timeout}, deadline);
  Batch stub = run_pair({"stub-server"}, {"stub-client", count, warmup, timeout}, deadline);
  if (!raw.ok() || !stub.ok()) {
    state.SkipWithError((raw.ok() ? stub.error : raw.error).c_str());
    return;
  }
  const double each = static_cast<double>(stub.ns) * 1e-9 / static_cast<double>(n);
  for (auto _ : state) state.SetIterationTime(each);
  state.counters["raw_us"] = static_cast<double>(raw.ns) * 1e-3 / static_cast<double>(n);
  state.counters["stub_us"] = static_cast<double>(stub.ns) * 1e-3 / static_cast<double>(n);
  state.counters["overhead_pct"] =
      100.0 * (static_cast<double>(stub.ns) - static_cast<double>(raw.ns)) / static_cast<double>(raw.ns);
}

bool register_rpc_benchmarks() {
  benchmark::RegisterBenchmark("rpc/hbidl-stub/64/floating", rpc_benchmark)
      ->UseManualTime()
      ->Unit(benchmark::kMicrosecond);
  return true;
}

[[maybe_unused]] const bool g_registered = register_rpc_benchmarks();

}  // namespace

}  // namespace bench
