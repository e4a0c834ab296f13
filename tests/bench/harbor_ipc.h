// tests/bench/harbor_ipc.h - Harbor hosted measurements: a fresh hosted::Machine per batch
// (the kernel in this process, each task a real process running programs/bench_task), the
// tasks wired by one port made with Machine::make_port, the measuring task reporting its own
// elapsed time on the console (bench_task.cc). The caller sets the placement (PinScope)
// before calling: the machine's threads and task processes inherit it.
#pragma once

#include <cstdint>

#include "common.h"

namespace bench {

struct HarborOptions {
  // How long every Harbor call in a task may block (0 = HB_FOREVER). A finite timeout puts
  // the blocked task on the kernel's deadline heap; harbor_bench measures both.
  uint64_t call_timeout_ns{10 * kSecondNs};
  // hosted::MachineOptions::spin_ns: how long a task blocked in a call busy-waits for its
  // answer before sleeping, when the placement lets it (0: the machine's default budget).
  uint32_t spin_ns{0};
  // kernel::KernelConfig::per_core_caches: message buffers through the kernel's per-core
  // magazines (harbor-emu runs with them on). Off: every buffer from the host heap (malloc).
  bool per_core_caches{false};
  // hosted::MachineOptions::spin: false = nobody ever spins (every wait is a futex sleep).
  bool spin{true};
};

// n hb_call round trips of `size` bytes each way (request and answer), client to a server
// looping on hb_reply_recv, through a rendezvous port.
Batch harbor_round_trips(uint32_t size, uint64_t n, const HarborOptions& options = {});

// n one-way messages of `size` bytes through a bounded port of `capacity` messages, the
// last one HB_SEND_SYNC (so the time ends when the receiver has taken them all).
Batch harbor_stream(uint32_t size, uint64_t n, uint32_t capacity,
                    const HarborOptions& options = {});

// n transfers of `total` bytes from one task's buffer to another's, as kBulkChunk messages
// through a bounded port of `capacity` (the kernel-buffered path of issue 5: the sender may
// run up to `capacity` messages ahead, which the kernel holds), or with capacity 0 through a
// rendezvous port (every message handed to a waiting receiver: the kernel's fast path).
Batch harbor_bulk(uint64_t total, uint64_t n, const HarborOptions& options = {},
                  uint32_t capacity = 16);

// n hb_task_self calls: one trap through the syscall channel and back, nothing else.
Batch harbor_null_syscalls(uint64_t n, const HarborOptions& options = {});

}  // namespace bench
