// arch/hosted/user_to_user.cc - the IPC fast path's one copy between two task processes.
//
// Linux has no call that copies from one process straight into another, but the runtime
// stages a message (up to HB_MSG_MAX) in its task's channel page: the sender's payload as a
// read window, the receiver's buffer as a write window (hosted/channel.h). So, by what is
// staged:
//   both sides       one memcpy, page to page (the receiver's runtime copies it out);
//   the source only  one process_vm_writev from the sender's page into the receiver;
//   the target only  one process_vm_readv from the sender into the receiver's page;
//   neither          a process_vm_readv into a buffer on this thread's stack, then a
//                    process_vm_writev out of it.
// The source is read whole before anything the receiver can see is written, so a bad
// source pointer writes nothing (task_hooks.h): a failed read into the receiver's page
// leaves its window unmarked, and the runtime copies out only what is marked.
#include <arch/task_hooks.h>
#include <harbor/sys.h>

#include <sys/uio.h>

#include <cstring>

#include "machine_core.h"
#include "staged.h"

namespace arch {

namespace {

using hosted::detail::find_staged;
using hosted::detail::StagedRange;

constexpr uint64_t kBounce = HB_MSG_MAX;  // the largest message: one read, one write

bool read_from(TaskContext* ctx, void* local, uint64_t remote, uint64_t len) {
  return copy_from_user(ctx, local, remote, len) == HB_OK;
}

bool write_to(TaskContext* ctx, uint64_t remote, void* local, uint64_t len) {
  return copy_to_user(ctx, remote, local, len) == HB_OK;
}

// The whole source straight into the receiver's staged window (not marked written yet).
bool read_into(TaskContext* ctx, unsigned char* local, uint64_t remote, uint64_t len) {
  iovec to{local, len};
  iovec from{reinterpret_cast<void*>(remote), len};
  return process_vm_readv(ctx->pid, &to, 1, &from, 1, 0) == static_cast<ssize_t>(len);
}

}  // namespace

CopyFault copy_user_to_user(TaskContext* src_ctx, uint64_t src, TaskContext* dst_ctx,
                            uint64_t dst, uint64_t len) {
  if (len == 0) return CopyFault::None;
  if (!src_ctx || src_ctx->exited || src + len < src) return CopyFault::Source;
  if (!dst_ctx || dst_ctx->exited || dst + len < dst) return CopyFault::Destination;
  if (len <= kBounce) {
    StagedRange from = find_staged(src_ctx, src, len, hosted::kWindowRead);
    StagedRange to = find_staged(dst_ctx, dst, len, hosted::kWindowWrite);
    if (to.bytes) {
      if (from.bytes) {
        std::memcpy(to.bytes, from.bytes, len);
      } else if (!read_into(src_ctx, to.bytes, src, len)) {
        return CopyFault::Source;
      }
      hosted::detail::note_written(to, len);
      return CopyFault::None;
    }
    if (from.bytes)
      return write_to(dst_ctx, dst, from.bytes, len) ? CopyFault::None : CopyFault::Destination;
  }
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
