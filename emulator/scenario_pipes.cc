// emulator/scenario_pipes.cc - the scenario's `pipe` line (scenario_parser.h): a shell-style
// pipeline between tasks declared above it,
//
//   pipe producer | filter | consumer [capacity N]
//
// is one pipe (harbor/pipe.h) per `|`: producer gets the write end of the first, filter its
// read end and then the write end of the second, consumer the read end of the second. A pipe
// is a bounded port (docs/pipes.md), so the line only declares ports and handles: the port
// `producer|filter` (bounded, N chunks, default HB_PIPE_CAPACITY_DEFAULT), `send` for its
// writer and `recv` for its reader, appended to each task's handles where the line stands.
// The runner then makes and hands them out like any other port (runner.cc (2a), (2b)); the
// port's name, with its `|`, is what traces and --stats call it.
#include <harbor/pipe.h>

#include "scenario_parser.h"

#include <string>
#include <vector>

namespace emu::detail {

namespace {

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  size_t b = s.find_last_not_of(" \t");
  return s.substr(a, b - a + 1);
}

}  // namespace

void Parser::pipe(const Words& w) {
  const std::string usage = "usage: pipe WRITER | READER [| READER...] [capacity N], e.g. "
                            "`pipe producer | consumer`";
  // The words after `pipe`, with the optional `capacity N` at the end.
  std::vector<std::string> words(w.begin() + 1, w.end());
  uint32_t capacity = HB_PIPE_CAPACITY_DEFAULT;
  if (words.size() >= 2 && words[words.size() - 2] == "capacity") {
    if (!parse_int(words.back(), capacity) || capacity == 0 || capacity > HB_PIPE_CAPACITY_MAX)
      return fail("a pipe's capacity is 1 to " + std::to_string(HB_PIPE_CAPACITY_MAX) +
                  " chunks (writes of up to 64 KiB), e.g. `capacity 4`");
    words.resize(words.size() - 2);
  }
  // `a | b`, `a|b` and `a |b` all mean the same: split the rest of the line on '|'.
  std::string joined;
  for (const std::string& word : words) joined += word + " ";
  std::vector<std::string> stages;
  size_t from = 0;
  for (;;) {
    size_t bar = joined.find('|', from);
    stages.push_back(trim(joined.substr(from, bar == std::string::npos ? bar : bar - from)));
    if (bar == std::string::npos) break;
    from = bar + 1;
  }
  if (stages.size() < 2) return fail(usage);
  std::vector<TaskDecl*> tasks;
  for (const std::string& stage : stages) {
    if (stage.empty() || stage.find(' ') != std::string::npos) return fail(usage);
    TaskDecl* t = nullptr;
    for (TaskDecl& candidate : m_scenario.tasks)
      if (candidate.name == stage) t = &candidate;
    if (!t)
      return fail("no task named `" + stage + "` above this line (a `pipe` line comes after the "
                  "tasks it joins)");
    tasks.push_back(t);
  }
  for (size_t i = 0; i + 1 < tasks.size(); ++i) {
    if (tasks[i] == tasks[i + 1])
      return fail("task `" + tasks[i]->name + "` is piped into itself");
  }
  for (size_t i = 0; i + 1 < tasks.size(); ++i) {
    PortDecl p;
    p.name = tasks[i]->name + "|" + tasks[i + 1]->name;
    p.mode = HB_PORT_BOUNDED;
    p.capacity = capacity;
    p.line = m_line;
    if (const PortDecl* earlier = m_scenario.find_port(p.name))
      return fail("tasks `" + tasks[i]->name + "` and `" + tasks[i + 1]->name +
                  "` are already joined by a pipe (line " + std::to_string(earlier->line) + ")");
    m_scenario.ports.push_back(p);
    HandleDecl write_end{HandleKind::Send, p.name, 0, 0, m_line};
    HandleDecl read_end{HandleKind::Recv, p.name, 0, 0, m_line};
    add_handle(*tasks[i], write_end);
    add_handle(*tasks[i + 1], read_end);
  }
}

}  // namespace emu::detail
