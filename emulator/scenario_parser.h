// emulator/scenario_parser.h - the scenario parser's insides, shared by the files that
// implement it (not for other users: they call parse_scenario, scenario.h):
//   scenario.cc          lines, tokens, title/say/timeout, ports, tasks and their handle,
//                        expect and kill lines, the whole-file checks (the steps (1), (2))
//   scenario_objects.cc  grant regions and semaphores: `region`, `semaphore`, and a task's
//                        `map` and `sem` lines, and their part of the checks
//   scenario_pipes.cc    the `pipe a | b` line: a bounded port per `|`, its ends as handles
#pragma once

#include "scenario.h"

#include <charconv>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace emu::detail {

// A name of a port, region, semaphore or task: a letter or _, then letters, digits, _ and -.
bool is_name(std::string_view s);

// The whole of `s` as a decimal number that fits `out`.
template <typename Int>
bool parse_int(std::string_view s, Int& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

class Parser {
 public:
  explicit Parser(const std::string& file) { m_scenario.file = file; }

  // (1) One line: split into words and applied as a directive.
  void line(int number, std::string_view text);
  // (2) The whole-file checks, then the result.
  ParseResult finish();

 private:
  using Words = std::vector<std::string>;

  void fail(std::string reason, int line = -1);
  // Ports, regions and semaphores share one namespace (handle lines name them).
  bool unique(const std::string& name);
  // What `name` is, for "`x` is a region, not a port".
  const char* kind_of(const std::string& name) const;
  void add_handle(TaskDecl& t, HandleDecl h);

  // scenario.cc
  void title(std::string text);
  void timeout(const Words& w);
  void port(const Words& w);
  void task(const Words& w);
  void core(TaskDecl& t, const Words& w);
  void handle(TaskDecl& t, const Words& w);
  void expect(TaskDecl& t, const Words& w);
  void kill(TaskDecl& t, const Words& w);
  void check();

  // scenario_objects.cc
  void region(const Words& w);
  void semaphore(const Words& w);
  void map(TaskDecl& t, const Words& w);
  void sem(TaskDecl& t, const Words& w);
  // Part of check(): every region and semaphore is handed to some task (`handed_out`).
  void check_objects(const std::set<std::string>& handed_out);

  // scenario_pipes.cc: `pipe a | b [| c...] [capacity N]` (ports and handles, declared here)
  void pipe(const Words& w);

  Scenario m_scenario;
  std::vector<ScenarioError> m_errors;
  std::set<std::string> m_broken_names;  // declared on a line with an error
  int m_line{0};
};

}  // namespace emu::detail
