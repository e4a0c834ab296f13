// emulator/commands.cc - `harbor-emu run SCENARIO` and `harbor-emu exec PROGRAM [ARG...]`.
#include "commands.h"

#include "examples_dir.h"
#include "exit_codes.h"
#include "session.h"

#include <unistd.h>

#include <climits>
#include <iostream>
#include <string>

namespace emu {

int run_file(const EmulatorOptions& options) {
  ParseResult parsed = load_scenario(options.scenario);
  if (!parsed.scenario) {
    for (const ScenarioError& e : parsed.errors) std::cerr << e.str() << '\n';
    std::cerr << "harbor-emu: " << parsed.errors.size()
              << (parsed.errors.size() == 1 ? " error" : " errors")
              << " in the scenario; nothing was started\n";
    return kExitBadInput;
  }
  const Scenario& scenario = *parsed.scenario;

  Session session(options, 0, false, std::cout);
  std::vector<std::string> paths;
  std::vector<ScenarioError> errors =
      prepare(scenario, session.machine().cores(), false, paths);
  if (!errors.empty()) {
    for (const ScenarioError& e : errors) std::cerr << e.str() << '\n';
    std::cerr << "harbor-emu: nothing was started\n";
    return kExitBadInput;
  }

  std::ostream& out = session.out();
  out << "== " << (scenario.title.empty() ? scenario.file : scenario.title) << " ==\n";
  for (const std::string& line : scenario.narration) out << line << '\n';
  auto count = [](size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  out << "(" << count(scenario.tasks.size(), "task", "tasks") << ", "
      << count(scenario.ports.size(), "port", "ports");
  if (!scenario.regions.empty()) out << ", " << count(scenario.regions.size(), "region", "regions");
  if (!scenario.semaphores.empty())
    out << ", " << count(scenario.semaphores.size(), "semaphore", "semaphores");
  out << "; " << session.describe_machine() << ")\n";
  out.flush();

  session.console().set_indent("  ");
  RunSettings settings;
  settings.timeout_ns = options.timeout_ns;
  ScenarioResult result = run_scenario(session.machine(), session.observer(), session.console(),
                                       scenario, paths, settings);
  if (session.stopped_on_deadlock()) {  // --stop-on-deadlock ended it: a timeout, early
    result.exit_code = kExitTimedOut;
    result.problems.insert(result.problems.begin(),
                           scenario.file + ": stopped: every task waits for good (deadlock: " +
                               session.deadlock_summary() + ")");
  }
  out << "== result ==\n";
  write_results(out, result, "  ");
  if (result.exit_code == kExitTimedOut) session.capture_waits();  // --report-json
  if (result.exit_code != kExitPassed) session.explain_failure(result);
  else out << "passed: every task ended as expected\n";
  const bool finished = session.finish();
  if (!session.write_report("run", result, result.exit_code) && result.exit_code == kExitPassed)
    return kExitBadInput;
  if (!finished && result.exit_code == kExitPassed) return kExitBadInput;
  return result.exit_code;
}

int run_exec(const EmulatorOptions& options) {
  char cwd[PATH_MAX];
  const std::string base = ::getcwd(cwd, sizeof cwd) ? cwd : ".";
  ResolvedProgram program = resolve_program(options.program, base);
  if (!program.path) {
    std::cerr << "harbor-emu: exec: " << program.error << '\n';
    return 127;  // as a shell says "command not found"
  }

  Scenario scenario;
  scenario.file = "exec";
  TaskDecl task;
  task.name = base_name(*program.path);
  task.program = *program.path;
  task.args = options.args;
  task.expect = ExpectKind::Any;
  task.line = 1;
  scenario.tasks.push_back(task);
  scenario.timeout_ns = UINT64_MAX;  // a program runs as long as it runs, unless --timeout

  Session session(options, 0, false, std::cout);
  RunSettings settings;
  settings.timeout_ns = options.timeout_ns;
  settings.wait_for_every_task = false;  // the first task's exit is the end
  std::vector<std::string> paths{*program.path};
  // The first task prints as a program would; tasks it spawns are named.
  session.console().set_bare(1);
  ScenarioResult result = run_scenario(session.machine(), session.observer(), session.console(),
                                       scenario, paths, settings);
  int code = 0;
  if (session.stopped_on_deadlock()) {  // --stop-on-deadlock ended it: a timeout, early
    result.exit_code = kExitTimedOut;
    result.problems.insert(result.problems.begin(),
                           "exec: stopped: every task waits for good (deadlock: " +
                               session.deadlock_summary() + ")");
  }
  if (result.exit_code == kExitTimedOut || result.exit_code == kExitStartFailed) {
    if (result.exit_code == kExitTimedOut) session.capture_waits();  // --report-json
    session.explain_failure(result);
    code = result.exit_code;
  } else {
    // As a shell reports a command: 128 + the signal that killed it, else its code's low
    // byte (a program that returned -7 exits 249, not 135 as if SIGBUS had killed it).
    const TaskResult& first = result.tasks.front();
    code = first.signal != 0 ? 128 + first.signal : (first.code & 0xff);
  }
  session.finish();
  session.write_report("exec", result, code);
  return code;
}

}  // namespace emu
