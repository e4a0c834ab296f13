// tests/fuzz/syscall_fuzz.h - one fuzz input against a fresh kernel (see syscall_fuzz.cc).
#pragma once

#include <cstddef>
#include <cstdint>

int harbor_fuzz_one_input(const uint8_t* data, size_t size);

struct FuzzStats {
  uint64_t ok[32]{};
  uint64_t failed[32]{};
  uint64_t blocked[32]{};
};
extern FuzzStats g_stats;
