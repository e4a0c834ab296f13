// arch/x86_64/user_to_user.cc - the IPC fast path's one copy between two address spaces.
//
// Both tasks' pages are reached through the kernel's identity map (paging.cc), whichever
// address space is loaded: each page of the source and of the destination is looked up in
// its own task's tables, and the bytes move once, straight from page to page. Every page of
// both ranges is checked before the first byte moves, so a fault on either side writes
// nothing. The common case (both ranges inside one page each) walks each table once.
#include <arch/task_hooks.h>
#include <harbor/sys.h>

#include <cstring>

#include "x86.h"

namespace arch {

namespace {

constexpr uint64_t kPage = 4096;

bool all_pages(TaskContext* ctx, uint64_t user, uint64_t len, bool write) {
  if (!ctx || user + len < user) return false;
  for (uint64_t at = user & ~(kPage - 1); at < user + len; at += kPage)
    if (!x86::space_lookup(ctx->pml4, at, write)) return false;
  return true;
}

bool one_page(uint64_t user, uint64_t len) { return (user & (kPage - 1)) + len <= kPage; }

// Anything but the common case: ranges across pages, or pages not in the translation cache.
[[gnu::noinline]] CopyFault copy_user_to_user_slow(TaskContext* src_ctx, uint64_t src,
                                                   TaskContext* dst_ctx, uint64_t dst,
                                                   uint64_t len) {
  if (len == 0) return CopyFault::None;
  if (src_ctx && dst_ctx && src + len >= src && dst + len >= dst && one_page(src, len) &&
      one_page(dst, len)) {
    uint64_t from = x86::space_lookup(src_ctx->pml4, src, false);
    if (!from) return CopyFault::Source;
    uint64_t to = x86::space_lookup(dst_ctx->pml4, dst, true);
    if (!to) return CopyFault::Destination;
    std::memcpy(reinterpret_cast<void*>(to), reinterpret_cast<const void*>(from), len);
    return CopyFault::None;
  }
  if (!all_pages(src_ctx, src, len, false)) return CopyFault::Source;
  if (!all_pages(dst_ctx, dst, len, true)) return CopyFault::Destination;
  uint64_t done = 0;
  while (done < len) {
    uint64_t s = src + done, d = dst + done;
    uint64_t n = len - done;
    if (n > kPage - (s & (kPage - 1))) n = kPage - (s & (kPage - 1));
    if (n > kPage - (d & (kPage - 1))) n = kPage - (d & (kPage - 1));
    std::memcpy(reinterpret_cast<void*>(x86::space_lookup(dst_ctx->pml4, d, true)),
                reinterpret_cast<const void*>(x86::space_lookup(src_ctx->pml4, s, false)), n);
    done += n;
  }
  return CopyFault::None;
}

}  // namespace

// The IPC fast path's common case, inline and first: both ranges inside one page each, both
// pages in the translation cache (paging.cc, its anchor x86-translation-cache).
CopyFault copy_user_to_user(TaskContext* src_ctx, uint64_t src, TaskContext* dst_ctx, uint64_t dst,
                            uint64_t len) {
  if (src_ctx && dst_ctx) {
    uint64_t from = x86::space_user_page_hit(src_ctx->pml4, src, len, false);
    uint64_t to = from ? x86::space_user_page_hit(dst_ctx->pml4, dst, len, true) : 0;
    if (to) {
      x86::copy_bytes(reinterpret_cast<void*>(to), reinterpret_cast<const void*>(from), len);
      return CopyFault::None;
    }
  }
  return copy_user_to_user_slow(src_ctx, src, dst_ctx, dst, len);
}

}  // namespace arch
