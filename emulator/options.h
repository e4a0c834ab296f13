// emulator/options.h - harbor-emu's command line, parsed (cli.cc) and acted on (commands.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace emu {

enum class Command { Showcase, Run, Exec };
enum class TraceFormat { None, Text, Mermaid, Chrome };

struct EmulatorOptions {
  Command command{Command::Showcase};
  std::string scenario;            // run
  std::string program;             // exec
  std::vector<std::string> args;   // exec: the program's arguments
  std::optional<uint32_t> cores;   // unset: the host's count (the showcase: 2)
  bool deterministic{false};
  std::optional<uint64_t> seed;    // implies deterministic
  TraceFormat trace{TraceFormat::None};
  std::string trace_out;           // empty: the format's default (see default_trace_out)
  bool stats{false};
  std::optional<uint64_t> timeout_ns;
  std::vector<int> host_cpus;      // empty: the machine's default placement
  bool no_spin{false};             // every wait is a futex sleep (MachineOptions::spin)
  std::string report_json;         // --report-json FILE: the verdict for programs (graders)
  bool stop_on_deadlock{false};    // --stop-on-deadlock: end the run once every task is stuck
};

// Parses argv. Returns nullopt and sets `exit_code` when the program should stop now
// (--help, --version, or a usage error, already printed).
std::optional<EmulatorOptions> parse_command_line(int argc, char** argv, int& exit_code);

// "-" (stdout) for text, "harbor-trace.mmd" for Mermaid, "harbor-trace.json" for Chrome.
std::string default_trace_out(TraceFormat format);

}  // namespace emu
