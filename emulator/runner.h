// emulator/runner.h - running a parsed scenario on a hosted machine.
//
//   (1) prepare():       every program resolves to an executable, every `core` exists. Errors
//                        are FILE:LINE: reason, and nothing has started yet;
//   (2) run_scenario():  make the ports, regions and semaphores (Machine::make_port,
//                        make_region, make_semaphore); give each task its handles, in
//                        declared order (duplicates of the port's capabilities, the one
//                        receive right moving; a region's or semaphore's with the rights the
//                        line wrote); start all tasks in declaration order under one
//                        hold of the kernel lock (so none runs before all exist); close the
//                        machine's own capabilities, so that a port's life is up to its
//                        tasks; then wait, firing `kill after` on time;
//   (3) the verdict:     each task's exit against its `expect`, its output against
//                        `expect output`. The exit codes are in exit_codes.h.
#pragma once

#include "console.h"
#include "observer.h"
#include "scenario.h"

#include <hosted/machine.h>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace emu {

struct RunSettings {
  bool wrap_cores{false};               // showcase: `core N` means N % cores
  std::optional<uint64_t> timeout_ns;   // --timeout: overrides the scenario's `timeout`
  bool wait_for_every_task{true};       // false for `exec`: the first task's exit ends it
};

struct TaskResult {
  std::string name;
  hb_task_id_t id{0};
  bool exited{false};
  int32_t code{0};
  int signal{0};  // the signal that killed it (Observer::killed_by), or 0: it exited
  std::vector<std::string> failures;  // "expected exit 0, got exit 1"
};

struct ScenarioResult {
  int exit_code{0};                    // exit_codes.h
  std::vector<TaskResult> tasks;       // in declaration order (those that started)
  std::vector<std::string> problems;   // why it did not pass, one line each
  uint64_t first_sequence{0};          // the trace records of this run (for excerpts)
};

// (1) Paths of the programs, by task; or errors (nothing has started).
std::vector<ScenarioError> prepare(const Scenario& scenario, uint32_t cores, bool wrap_cores,
                                   std::vector<std::string>& paths);

// (2) and (3).
ScenarioResult run_scenario(hosted::Machine& machine, Observer& observer, Console& console,
                            const Scenario& scenario, const std::vector<std::string>& paths,
                            const RunSettings& settings);

// "exit 0", "exit -7", "exit -9 (killed by signal 9: Killed)" (`signal`: TaskResult::signal).
std::string describe_exit(int32_t code, int signal);

// One line per task ("  ok    consumer[2]  exit 0"), and under it what it did wrong.
void write_results(std::ostream& out, const ScenarioResult& result, const std::string& indent);

}  // namespace emu
