// tests/fuzz/syscall_fuzz_main.cc - the plain driver ctest runs: seeded random inputs for a
// bounded number of runs (no coverage guidance; build with clang and HARBOR_LIBFUZZER for
// that). Usage: harbor_syscall_fuzz [RUNS] [SEED]; the seed is printed first, so a failure
// can be replayed exactly.
#include "syscall_fuzz.h"

#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

int main(int argc, char** argv) {
  unsigned long runs = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 2000;
  unsigned long seed = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 20261122;
  if (const char* env = std::getenv("HARBOR_SEED")) seed = std::strtoul(env, nullptr, 10);
  std::printf("harbor_syscall_fuzz: %lu runs, seed %lu (replay: %s %lu %lu)\n", runs, seed,
              argv[0], runs, seed);
  std::fflush(stdout);
  std::mt19937_64 random(seed);
  std::vector<uint8_t> input;
  for (unsigned long run = 0; run < runs; ++run) {
    input.resize(64 + random() % 4096);
    for (uint8_t& b : input) b = static_cast<uint8_t>(random());
    harbor_fuzz_one_input(input.data(), input.size());
  }
  std::printf("harbor_syscall_fuzz: %lu runs without a crash, a failed check or a leak\n", runs);
  std::printf("  syscall      ok   failed  blocked\n");
  for (int n = 1; n < 26; ++n)
    std::printf("  %4d %9llu %8llu %8llu\n", n, (unsigned long long)g_stats.ok[n],
                (unsigned long long)g_stats.failed[n], (unsigned long long)g_stats.blocked[n]);
  return 0;
}
