// arch/hosted/user_to_user.cc - the IPC fast path's one copy between two task processes.
//
// Linux has no call that copies from one process straight into another, so the bytes pass
// through a buffer on this (serving) thread's stack, read and written with the arch's own
// user copies (arch_seam.cc): a range the task's runtime staged in its channel page is a
// plain memcpy, anything else one process_vm_readv / process_vm_writev. For a small message
// both sides are staged, so the fast path makes no host call at all. The source is read
// whole before anything is written, so a bad source pointer writes nothing (task_hooks.h).
#include <arch/task_hooks.h>
#include <harbor/sys.h>

#include "machine_core.h"

namespace arch {

namespace {

constexpr uint64_t kBounce = HB_MSG_MAX;  // the largest message: one read, one write

bool read_from(TaskContext* ctx, void* local, uint64_t remote, uint64_t len) {
  return copy_from_user(ctx, local, remote, len) == HB_OK;
}

bool write_to(TaskContext* ctx, uint64_t remote, void* local, uint64_t len) {
  return copy_to_user(ctx, remote, local, len) == HB_OK;
}

}  // namespace

CopyFault copy_user_to_user(TaskContext* src_ctx, uint64_t src, TaskContext* dst_ctx,
                            uint64_t dst, uint64_t len) {
  if (len == 0) return CopyFault::None;
  if (!src_ctx || src_ctx->exited || src + len < src) return CopyFault::Source;
  if (!dst_ctx || dst_ctx->exited || dst + len < dst) return CopyFault::Destination;
  unsigned char bounce[kBounce];
  if (len > kBounce) {
    // Larger than any message (the kernel never asks): check the whole source first.
    for (uint64_t done = 0; done < len; done += kBounce) {
      uint64_t n = len - done < kBounce ? len - done : kBounce;
      if (!read_from(src_ctx, bounce, src + done, n)) return CopyFault::Source;
    }
  }
  for (uint64_t done = 0; done < len; done += kBounce) {
    uint64_t n = len - done < kBounce ? len - done : kBounce;
    if (!read_from(src_ctx, bounce, src + done, n)) return CopyFault::Source;
    if (!write_to(dst_ctx, dst + done, bounce, n)) return CopyFault::Destination;
  }
  return CopyFault::None;
}

}  // namespace arch
