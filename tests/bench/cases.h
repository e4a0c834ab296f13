// tests/bench/cases.h - every benchmark harbor_bench runs, and the "Harbor / peer" ratio table
// printed after them.
//
// Benchmark names: <group>/<implementation>/<size in bytes>/<placement>, for example
// rtt/harbor/64/floating or stream/pipe/64/one-core (Google Benchmark appends /manual_time).
// Groups: rtt (call/reply round trip), stream (one-way messages), bulk (moving `size` bytes
// from one process to another), diag (costs that explain the others).
#pragma once

#include <iosfwd>
#include <map>
#include <string>
#include <vector>

namespace bench {

// What the reporter saw, per benchmark name (without /manual_time).
class Results {
 public:
  void add_run(const std::string& name, double seconds_per_iteration);
  void add_median(const std::string& name, double seconds_per_iteration);
  void add_error(const std::string& name, const std::string& message);
  // The median of the repetitions when there were any, else the one run; < 0 if none.
  double seconds(const std::string& name) const;
  std::string error(const std::string& name) const;
  bool ran(const std::string& name) const;  // a result or an error was reported
  bool has_failures() const;  // errors other than "unsupported: ..." (a host limit)

 private:
  std::map<std::string, std::vector<double>> m_runs;
  std::map<std::string, double> m_medians;
  std::map<std::string, std::string> m_errors;
};

void register_benchmarks();

// The ratio table (and the diagnostics that explain it).
void print_ratios(const Results& results, std::ostream& out);

}  // namespace bench
