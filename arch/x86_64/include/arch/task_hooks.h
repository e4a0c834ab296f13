// arch/task_hooks.h - how the portable kernel drives the machine's tasks.
//
// The kernel is a state machine: a syscall either completes at once (its return value goes
// back to the task the ordinary way) or the task blocks. A blocked task stays stopped until
// the kernel completes its syscall on its behalf and calls task_resume(). All hooks are
// called with the kernel lock held.
#pragma once

#include <cstdint>

namespace kernel {
class Task;
}

namespace arch {

struct TaskContext;  // the arch's own per-task state (process, address space, channel, ...)

// Copy between kernel memory and the user memory of `ctx`. A range the task does not own
// returns HB_ERR_FAULT and copies nothing that matters; otherwise HB_OK.
int32_t copy_from_user(TaskContext* ctx, void* dst, uint64_t user_src, uint64_t len);
int32_t copy_to_user(TaskContext* ctx, uint64_t user_dst, const void* src, uint64_t len);

// Which side of a user-to-user copy is not user memory of its task.
enum class CopyFault : int32_t { None = 0, Source = 1, Destination = 2 };

// The IPC fast path's one copy: `len` bytes from the user memory of `src_ctx` at `src`
// straight into the user memory of `dst_ctx` at `dst` (two tasks). The source is checked
// first: CopyFault::Source means [src, src + len) is not all src_ctx's and nothing was
// written anywhere; CopyFault::Destination means [dst, dst + len) is not all dst_ctx's
// (the destination may then be partly written, as with copy_to_user). len == 0 is None.
CopyFault copy_user_to_user(TaskContext* src_ctx, uint64_t src, TaskContext* dst_ctx,
                            uint64_t dst, uint64_t len);

// The blocked syscall of `ctx` has completed with `result` (>= 0 success, < 0 HB_ERR_*).
void task_resume(TaskContext* ctx, int64_t result);

// Start program `image` for the new kernel task `task`. task->core() is the requested
// emulated core, or UINT32_MAX for "the arch picks" (then the arch calls task->set_core()).
// `args` (args_len bytes) are the bytes of the start message the kernel will queue in the
// task's inbox: each argument followed by a NUL (harbor/runtime.h); the arch hands them to
// the program's main as argv[1..] (argv[0] is the image), so a C program sees its
// arguments where it expects them (SPEC 4). HB_OK and *ctx_out, or HB_ERR_NOT_FOUND when the
// image does not exist (nothing is started then).
int32_t task_start(kernel::Task* task, const char* image, const char* args, uint32_t args_len,
                   TaskContext** ctx_out);

// hb_task_kill: end `ctx`'s task as a task that died from outside, with
// kernel.task_died(*task, -9), now or, if it cannot be stopped now (it runs user code on
// another core), as soon as it can. Kernel lock held.
void task_kill(TaskContext* ctx);

// The kernel has forgotten the task (it exited, or was killed): stop it if it still runs and
// free `ctx`. Called exactly once for every task that had a context, after its exit code
// is set and while the kernel::Task is still valid (the arch may read task->exit_code()).
// It may be called from inside kernel.syscall() of that very task (HB_SYS_TASK_EXIT), whose
// return value the arch must then ignore. The kernel never touches `ctx` afterwards.
void task_stop(TaskContext* ctx);

// The earliest deadline of any blocked task is now `deadline_ns` (UINT64_MAX: none).
// The arch calls Kernel::expire_deadlines() once the clock reaches it.
void timer_set(uint64_t deadline_ns);

}  // namespace arch
