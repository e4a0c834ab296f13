// harbor_bench - Harbor hosted IPC against its Linux peers, in one binary and one run, with
// the "Harbor / peer" ratios printed at the end (docs/performance.md has the figures).
//
//   harbor_bench                                      every benchmark once, then the ratios
//   harbor_bench --benchmark_repetitions=5            ratios from the medians
//   harbor_bench --benchmark_out=r.json --benchmark_out_format=json
//   harbor_bench --benchmark_filter='rtt/.*/64/'      a subset (ratios whose parts ran)
//
// The display is Google Benchmark's console reporter with one addition: it also hands every
// result to bench::Results, from which the ratio table is computed. The JSON file of
// --benchmark_out is Google Benchmark's own. Exit status: 1 if any benchmark failed (a host
// limit such as fs.mqueue.msgsize_max is reported, not failed).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <iostream>

#include "cases.h"

namespace {

class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  CollectingReporter(bench::Results& results, OutputOptions options)
      : ConsoleReporter(options), m_results(results) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      const std::string& name = run.run_name.function_name;
      if (run.error_occurred) {
        m_results.add_error(name, run.error_message);
        continue;
      }
      if (run.iterations <= 0) continue;
      // real_accumulated_time is the manual time in seconds, summed over the iterations; a
      // median aggregate carries the median of the repetitions' sums (same iteration count).
      double each = run.real_accumulated_time / static_cast<double>(run.iterations);
      if (run.run_type == Run::RT_Iteration) m_results.add_run(name, each);
      else if (run.aggregate_name == "median") m_results.add_median(name, each);
    }
    ConsoleReporter::ReportRuns(runs);
  }

 private:
  bench::Results& m_results;
};

}  // namespace

int main(int argc, char** argv) {
  bench::register_benchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  bench::Results results;
  auto options = static_cast<benchmark::ConsoleReporter::OutputOptions>(
      benchmark::ConsoleReporter::OO_Tabular |
      (isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_Color : 0));
  CollectingReporter reporter(results, options);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  bench::print_ratios(results, std::cout);
  benchmark::Shutdown();
  if (results.has_failures()) {
    std::cout << "\nharbor_bench: some benchmarks failed (see the errors above)\n";
    return 1;
  }
  return 0;
}
