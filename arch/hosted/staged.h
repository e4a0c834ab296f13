// arch/hosted/staged.h - the kernel side of staged memory (hosted/channel.h, "Staged
// memory"): finding a task range in the windows its runtime staged in its channel page for
// the current syscall, and noting what the kernel wrote into a write window. Used by the
// user copies (arch_seam.cc) and by the fast path's task-to-task copy (user_to_user.cc).
//
// The page is shared with the task, which may write anything there at any time: every
// field is read once and checked against the page's bounds, so a lying task only misleads
// the kernel about its own memory. Called under the kernel lock, for a task whose syscall
// is in progress (its own, or a blocked receive another task's syscall completes).
#pragma once

#include <cstdint>

#include "machine_core.h"

namespace hosted::detail {

struct StagedRange {
  unsigned char* bytes{nullptr};  // in the channel page; nullptr: not staged
  ChannelWindow* window{nullptr};
  uint32_t from{0};  // where the range starts within its window
};

// [user, user + len) inside one window that has `flags` (kWindowRead, kWindowWrite).
StagedRange find_staged(arch::TaskContext* ctx, uint64_t user, uint64_t len, uint32_t flags);

// After the kernel wrote `len` bytes at `range` of a write window: widens what the runtime
// copies out to the task in step (6).
void note_written(const StagedRange& range, uint64_t len);

}  // namespace hosted::detail
