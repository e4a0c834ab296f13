// arch/hosted/arch_seam.cc - the arch:: functions the portable kernel calls (arch/*.h),
// implemented for the hosted machine. The kernel passes no machine to most of them, so they
// find it through t_cpu: the thread-local state of the thread that holds the kernel lock.
#include <arch/clock.h>
#include <arch/console.h>
#include <arch/cpu.h>
#include <arch/memory.h>
#include <arch/panic.h>
#include <arch/task_hooks.h>

#include <sys/uio.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "machine_core.h"
#include "staged.h"

namespace hosted::detail {
thread_local CpuState t_cpu;
}  // namespace hosted::detail

using hosted::detail::t_cpu;

namespace arch {

void panic(const char* message) {
  std::fprintf(stderr, "harbor: kernel panic: %s\n", message);
  std::fflush(stderr);
  std::abort();
}

void console_write(const char* text, uint32_t len) {
  if (t_cpu.machine) {
    t_cpu.machine->console(text, len);
    return;
  }
  std::fwrite(text, 1, len, stdout);
  std::fflush(stdout);
}

uint64_t clock_ns() {
  if (t_cpu.machine) return t_cpu.machine->now_ns();
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

uint32_t current_core() { return t_cpu.core; }

void* heap_alloc(size_t bytes) { return std::malloc(bytes == 0 ? 1 : bytes); }

void heap_free(void* pointer, size_t bytes) {
  (void)bytes;
  std::free(pointer);
}

}  // namespace arch

namespace hosted::detail {

StagedRange find_staged(arch::TaskContext* ctx, uint64_t user, uint64_t len, uint32_t flags) {
  Channel* c = ctx->channel;
  if (!c) return {};
  uint32_t n = std::atomic_ref<uint32_t>(c->window_count).load(std::memory_order_relaxed);
  if (n > kMaxWindows) n = kMaxWindows;
  for (uint32_t i = 0; i < n; ++i) {
    ChannelWindow& w = c->windows[i];
    uint32_t wflags = std::atomic_ref<uint32_t>(w.flags).load(std::memory_order_relaxed);
    if ((wflags & flags) != flags) continue;
    uint64_t base = std::atomic_ref<uint64_t>(w.user).load(std::memory_order_relaxed);
    uint64_t offset = std::atomic_ref<uint32_t>(w.offset).load(std::memory_order_relaxed);
    uint64_t size = std::atomic_ref<uint32_t>(w.len).load(std::memory_order_relaxed);
    if (offset < kStageOffset || offset > kChannelSize || size > kChannelSize - offset)
      continue;  // not inside the staging area: ignored
    if (user < base || user - base > size || len > size - (user - base)) continue;
    return {reinterpret_cast<unsigned char*>(c) + offset + (user - base), &w,
            static_cast<uint32_t>(user - base)};
  }
  return {};
}

void note_written(const StagedRange& range, uint64_t len) {
  auto lo = std::atomic_ref<uint32_t>(range.window->written_lo);
  auto hi = std::atomic_ref<uint32_t>(range.window->written_hi);
  uint32_t from = range.from;
  uint32_t to = from + static_cast<uint32_t>(len);
  uint32_t old_lo = lo.load(std::memory_order_relaxed);
  uint32_t old_hi = hi.load(std::memory_order_relaxed);
  if (old_hi <= old_lo) {  // nothing written yet
    old_lo = from;
    old_hi = to;
  }
  lo.store(std::min(old_lo, from), std::memory_order_relaxed);
  hi.store(std::max(old_hi, to), std::memory_order_relaxed);
}

}  // namespace hosted::detail

namespace arch {

using hosted::detail::find_staged;
using hosted::detail::StagedRange;

// A range the task staged in its channel page for this syscall is a memcpy; anything else
// is one process_vm_readv/writev (the kernel side never maps task memory), and a transfer
// that stops short means the range is not (all) mapped in the task: HB_ERR_FAULT.
int32_t copy_from_user(TaskContext* ctx, void* dst, uint64_t user_src, uint64_t len) {
  if (len == 0) return HB_OK;
  if (!ctx || ctx->exited || user_src + len < user_src) return HB_ERR_FAULT;
  if (StagedRange staged = find_staged(ctx, user_src, len, hosted::kWindowRead); staged.bytes) {
    std::memcpy(dst, staged.bytes, len);
    return HB_OK;
  }
  iovec local{dst, len};
  iovec remote{reinterpret_cast<void*>(user_src), len};
  ssize_t n = process_vm_readv(ctx->pid, &local, 1, &remote, 1, 0);
  return n == static_cast<ssize_t>(len) ? HB_OK : HB_ERR_FAULT;
}

int32_t copy_to_user(TaskContext* ctx, uint64_t user_dst, const void* src, uint64_t len) {
  if (len == 0) return HB_OK;
  if (!ctx || ctx->exited || user_dst + len < user_dst) return HB_ERR_FAULT;
  if (StagedRange staged = find_staged(ctx, user_dst, len, hosted::kWindowWrite); staged.bytes) {
    std::memcpy(staged.bytes, src, len);
    hosted::detail::note_written(staged, len);
    return HB_OK;
  }
  iovec local{const_cast<void*>(src), len};
  iovec remote{reinterpret_cast<void*>(user_dst), len};
  ssize_t n = process_vm_writev(ctx->pid, &local, 1, &remote, 1, 0);
  return n == static_cast<ssize_t>(len) ? HB_OK : HB_ERR_FAULT;
}

void task_resume(TaskContext* ctx, int64_t result) { ctx->machine->resume_task(ctx, result); }

int32_t task_start(kernel::Task* task, const char* image, const char* args, uint32_t args_len,
                   TaskContext** ctx_out) {
  if (!t_cpu.machine) panic("arch::task_start outside a hosted machine");
  return t_cpu.machine->start_task(task, image, args, args_len, ctx_out);
}

// A task process can be stopped at any moment: the kernel forgets it now, and task_stop
// sends its process SIGKILL.
void task_kill(TaskContext* ctx) { ctx->task->kernel().task_died(*ctx->task, -9); }

void task_stop(TaskContext* ctx) { ctx->machine->stop_task(ctx); }

void timer_set(uint64_t deadline_ns) {
  if (t_cpu.machine) t_cpu.machine->set_timer(deadline_ns);
}

}  // namespace arch
