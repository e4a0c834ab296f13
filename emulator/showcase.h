// emulator/showcase.h - the built-in showcase: `harbor-emu` with no command.
//
// Five acts, each a scenario file from emulator/showcase/ embedded at build time
// (embed_acts.cmake), run one after the other on one deterministic machine (2 cores unless
// --cores says otherwise): narration, the tasks' own output, a trace excerpt, a verdict.
// Deterministic scheduling and the logical clock make the whole output repeat byte for byte.
#pragma once

#include <cstddef>

namespace emu {

struct EmulatorOptions;

struct EmbeddedScenario {
  const char* name;  // file name, e.g. "1-producer-consumer.scn"
  const char* text;
};
extern const EmbeddedScenario kShowcaseActs[];
extern const size_t kShowcaseActCount;

// Runs the showcase; returns the exit code (0: every act went as its scenario expects).
int run_showcase(const EmulatorOptions& options);

}  // namespace emu
