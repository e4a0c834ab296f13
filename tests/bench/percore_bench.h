// tests/bench/percore_bench.h - the hosted per-core cache benchmark (percore_bench.cc).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bench {

// 1, 2, 4, ... up to the host's CPU count (and the count itself), at most 8.
std::vector<uint32_t> percore_core_counts();
// percore/harbor-caches-on/64/2-cores
std::string percore_key(bool caches, uint32_t cores);
// percore/harbor-whole-kernel/64/2-cores: caches on, every syscall taking the whole kernel
std::string percore_whole_kernel_key(uint32_t cores);
void register_percore_benchmarks();

}  // namespace bench
