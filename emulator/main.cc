// emulator/main.cc - harbor-emu: the Harbor kernel, hosted. See `harbor-emu --help` and
// docs/emulator.md.
//
//   main -> parse_command_line (cli.cc)
//        -> run_showcase (showcase.cc) | run_file, run_exec (commands.cc)
//             each: Session (session.cc) = Machine + Console + Observer
//                   run_scenario (runner.cc), then traces (trace_*.cc) and --stats (stats.cc)
#include "commands.h"
#include "options.h"
#include "showcase.h"

// harbor-emu is no task, but the name server it forks is one: its user runtime attaches to
// the server's channel explicitly (userland/runtime/hosted/attach.h, name_server_task.h).
extern "C" const char hb_runtime_attach_explicitly = 1;

int main(int argc, char** argv) {
  int exit_code = 0;
  std::optional<emu::EmulatorOptions> options = emu::parse_command_line(argc, argv, exit_code);
  if (!options) return exit_code;
  switch (options->command) {
    case emu::Command::Run: return emu::run_file(*options);
    case emu::Command::Exec: return emu::run_exec(*options);
    case emu::Command::Showcase: break;
  }
  return emu::run_showcase(*options);
}
