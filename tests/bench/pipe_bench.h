// tests/bench/pipe_bench.h - pipes of harbor/pipe.h against Linux pipes (pipe_bench.cc):
// a writer streams SIZE-byte writes, a reader reads up to 64 KiB at a time, the time ends
// when the reader has read every byte. Names: pipe/<impl>/<size>/<placement>, impl one of
//   harbor          hb_pipe_create(0): the default capacity (16 chunks)
//   harbor-deep     hb_pipe_create(1024): as many 64 B writes as a Linux pipe buffers
//   linux           pipe(2), this process writing, a forked child reading
//   linux-1mib      the same with a 1 MiB pipe buffer (F_SETPIPE_SZ): 64 KiB writes only, as
//                   many bytes in flight as Harbor's default pipe holds of them
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common.h"

namespace bench {

// The write sizes measured: 64 B and 64 KiB.
const std::vector<uint32_t>& pipe_write_sizes();
std::string pipe_key(const std::string& impl, uint32_t size, Placement placement);
void register_pipe_benchmarks();

}  // namespace bench
