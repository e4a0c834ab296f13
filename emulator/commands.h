// emulator/commands.h - the commands of harbor-emu (the showcase is in showcase.h).
#pragma once

#include "options.h"

namespace emu {

int run_file(const EmulatorOptions& options);  // harbor-emu run SCENARIO
int run_exec(const EmulatorOptions& options);  // harbor-emu exec PROGRAM [ARG...]

}  // namespace emu
