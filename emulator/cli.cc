// emulator/cli.cc - harbor-emu's command line (CLI11). The --help text is the reference a
// user sees first; docs/emulator.md says the same at length.
#include "examples_dir.h"
#include "options.h"
#include "scenario.h"

#include <CLI/CLI.hpp>

#include <cstring>
#include <iostream>

namespace emu {

namespace {

const char* kFooter = R"(Commands:
  (none)              the built-in showcase: five narrated acts of IPC (bounded port,
                      rendezvous, receive from a named sender, call/reply, owner death);
                      always deterministic, 2 cores unless --cores is given; exits 0
  run SCENARIO        start the tasks, ports, regions and semaphores a scenario file
                      describes; exits 0 when every task ends as its `expect` says
                      (format: docs/emulator.md)
  exec PROGRAM [ARG...]
                      run one program as the first task (it may spawn others) and exit
                      with its exit code's low byte (128+N if signal N killed it). PROGRAM
                      is a path, or the name of a built-in example (hello, spawner, ...).
                      Everything after PROGRAM goes to the program.

A task killed by a signal (any command) is named on stderr as it happens:
  harbor-emu: task 3 (worker) killed by SIGSEGV

Exit status (showcase, run): 0 as expected, 1 an expectation failed, 2 bad command line
or scenario (nothing started), 3 a port, region, semaphore or task could not be made,
124 timed out.

Traces: text goes to stdout unless --trace-out FILE; mermaid to harbor-trace.mmd and
chrome to harbor-trace.json unless --trace-out says otherwise (`-` is stdout). Open the
JSON in https://ui.perfetto.dev; paste the Mermaid into a ```mermaid block.

Examples:
  harbor-emu                                       # the showcase
  harbor-emu --stats                               # ... and its statistics
  harbor-emu run docs/scenarios/fan-in.scn --deterministic --trace text
  harbor-emu --stats run docs/scenarios/bounded-buffer.scn   # a region, 3 semaphores
  harbor-emu run my.scn --seed 7 --trace chrome --trace-out my.json
  harbor-emu exec hello 3 from the emulator; echo $?   # prints, then 3
  harbor-emu --cores 1 exec ./build/app --verbose  # your own program, one core
)";

// Options that take a value: their value is never the `exec` command word.
bool takes_value(const char* arg) {
  for (const char* name :
       {"--cores", "--seed", "--trace", "--trace-out", "--timeout", "--host-cpus",
        "--report-json"})
    if (std::strcmp(arg, name) == 0) return true;
  return false;
}

}  // namespace

std::string default_trace_out(TraceFormat format) {
  switch (format) {
    case TraceFormat::Mermaid: return "harbor-trace.mmd";
    case TraceFormat::Chrome: return "harbor-trace.json";
    default: return "-";
  }
}

std::optional<EmulatorOptions> parse_command_line(int argc, char** argv, int& exit_code) {
  EmulatorOptions options;

  // `exec PROGRAM ARG...`: the program's arguments are its own, even "--help"; CLI11 sees
  // the command line only up to PROGRAM.
  int parsed_argc = argc;
  for (int i = 1; i < argc; ++i) {
    if (takes_value(argv[i])) {
      ++i;
      continue;
    }
    if (std::strcmp(argv[i], "exec") == 0) {
      parsed_argc = std::min(argc, i + 2);
      for (int j = i + 2; j < argc; ++j) options.args.emplace_back(argv[j]);
      break;
    }
    if (std::strcmp(argv[i], "run") == 0) break;
  }

  CLI::App app{"harbor-emu - the Harbor microkernel, hosted: every task a Linux process.",
               "harbor-emu"};
  std::string footer = kFooter;
  footer += "\nBuilt-in examples are looked up in:";
  for (const std::string& dir : example_search_path()) footer += "\n  " + dir;
  app.footer(footer);
  app.fallthrough();  // global options may also follow the command
  app.require_subcommand(0, 1);

  uint32_t cores = 0;
  uint64_t seed = 0;
  std::string trace, timeout;
  app.add_option("--cores", cores, "emulated cores (default: the host's count; showcase: 2)")
      ->type_name("N")
      ->check(CLI::Range(1, 64));
  app.add_flag("--deterministic", options.deterministic,
               "the emulator schedules tasks itself at syscall boundaries and traces use a "
               "logical clock: runs repeat byte for byte");
  app.add_option("--seed", seed,
                 "reproducible random interleaving N (implies --deterministic; 0 = round "
                 "robin)")
      ->type_name("N");
  app.add_option("--trace", trace, "record a trace and write it as text, mermaid or chrome")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"text", "mermaid", "chrome"}));
  app.add_option("--trace-out", options.trace_out,
                 "where the trace goes (text: stdout; mermaid: harbor-trace.mmd; chrome: "
                 "harbor-trace.json; '-': stdout)")
      ->type_name("FILE");
  app.add_flag("--stats", options.stats,
               "print per-core, per-task, per-port (and per-region and -semaphore) "
               "statistics after the run");
  app.add_option("--timeout", timeout,
                 "give up after DURATION (e.g. 500ms, 10s); for run it overrides the "
                 "scenario's `timeout` (default 10s); exec: no limit unless given")
      ->type_name("DURATION");
  app.add_option("--host-cpus", options.host_cpus,
                 "host CPUs the emulated cores run on, core i on the i-th (e.g. 0,1; -1: "
                 "unpinned); default: the CPUs harbor-emu may use, in order")
      ->type_name("CPU,...")
      ->delimiter(',');
  app.add_flag("--no-spin", options.no_spin,
               "no task ever busy-waits for an answer (by default a task whose call blocked "
               "spins briefly when it has a host CPU of its own; docs/design.md 3b)");
  app.add_option("--report-json", options.report_json,
                 "after run or exec, write the verdict as JSON to FILE: the machine and seed, "
                 "each task's end, and on a timeout what each task waits on and for whom, "
                 "with any wait-for cycle (a deadlock); for graders (exercises/grade)")
      ->type_name("FILE");
  app.add_flag("--stop-on-deadlock", options.stop_on_deadlock,
               "end run or exec as a timeout (124) as soon as every task waits for good "
               "(blocked without a timeout, and whatever could wake it held by tasks that "
               "are stuck too), instead of at the time limit; says who waits for whom. For "
               "graders; a scenario's `kill after` does not get the chance to break the cycle");
  app.set_version_flag("--version", std::string("harbor-emu ") + HARBOR_VERSION);

  CLI::App* run = app.add_subcommand("run", "run a scenario file (see below)");
  run->add_option("SCENARIO", options.scenario, "the scenario file")->required();
  CLI::App* exec = app.add_subcommand("exec", "run PROGRAM [ARG...] as the first task");
  exec->add_option("PROGRAM", options.program, "a path, or a built-in example's name")
      ->required();
  CLI::App* showcase = app.add_subcommand("showcase", "the built-in showcase (the default)");

  try {
    app.parse(parsed_argc, argv);
  } catch (const CLI::ParseError& e) {
    exit_code = app.exit(e);
    if (exit_code != 0) exit_code = 2;
    return std::nullopt;
  }

  if (run->parsed()) options.command = Command::Run;
  else if (exec->parsed()) options.command = Command::Exec;
  else if (showcase->parsed()) options.command = Command::Showcase;
  if (app.count("--cores")) options.cores = cores;
  if (app.count("--seed")) {
    options.seed = seed;
    options.deterministic = true;
  }
  if (trace == "text") options.trace = TraceFormat::Text;
  else if (trace == "mermaid") options.trace = TraceFormat::Mermaid;
  else if (trace == "chrome") options.trace = TraceFormat::Chrome;
  if (!options.trace_out.empty() && options.trace == TraceFormat::None) {
    std::cerr << "harbor-emu: --trace-out needs --trace text|mermaid|chrome\n";
    exit_code = 2;
    return std::nullopt;
  }
  if (!timeout.empty()) {
    options.timeout_ns = parse_duration(timeout);
    if (!options.timeout_ns || *options.timeout_ns == 0) {
      std::cerr << "harbor-emu: --timeout " << timeout
                << ": expected a duration such as 500ms or 10s (units: ns, us, ms, s)\n";
      exit_code = 2;
      return std::nullopt;
    }
  }
  return options;
}

}  // namespace emu
