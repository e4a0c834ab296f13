// emulator/exit_codes.h - what harbor-emu's exit status means (docs/emulator.md lists them).
// `exec` is the exception: it exits with its program's code (128 + signal if it was killed).
#pragma once

namespace emu {

constexpr int kExitPassed = 0;        // every task ended as its `expect` says
constexpr int kExitFailed = 1;        // some task did not (wrong exit code, missing output)
constexpr int kExitBadInput = 2;      // bad command line or scenario file: nothing started
constexpr int kExitStartFailed = 3;   // the machine could not make a port or start a task
constexpr int kExitTimedOut = 124;    // the run's timeout passed with tasks still running

}  // namespace emu
