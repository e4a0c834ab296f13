// tests/emulator/process.h - run a program as a user would, with a time limit.
#pragma once

#include <string>
#include <vector>

namespace emu_test {

struct Process {
  int exit_code{-1};      // the exit status, or 128 + signal
  bool timed_out{false};  // killed (SIGKILL) after the time limit
  double seconds{0};
  std::string out, err;
};

// Runs argv[0] (a path) with `env` added to this process's environment ("NAME=value"), in
// `cwd` (empty: here). Never takes longer than `limit_seconds`.
Process run(const std::vector<std::string>& argv, double limit_seconds = 30,
            const std::vector<std::string>& env = {}, const std::string& cwd = {});

std::string read_file(const std::string& path);

}  // namespace emu_test
