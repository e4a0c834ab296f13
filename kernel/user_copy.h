// kernel/user_copy.h - typed copies between the kernel and a task's memory.
//
// Every pointer a syscall receives is a user address: it is only ever touched through
// these functions, which return HB_ERR_FAULT for memory the task does not own (address 0
// included) and never crash the kernel.
#pragma once

#include <arch/task_hooks.h>
#include <kernel/kernel.h>
#include <kernel/task.h>

namespace kernel {

inline Status copy_from_user(Task& task, void* dst, uint64_t src, uint64_t len) {
  if (len == 0) return {};
  if (src == 0) return Error::Fault;
  task.kernel_stats_copied(len);
  ++task.kernel().stats().user_copies;
  if (arch::copy_from_user(task.context(), dst, src, len) != HB_OK) return Error::Fault;
  return {};
}

inline Status copy_to_user(Task& task, uint64_t dst, const void* src, uint64_t len) {
  if (len == 0) return {};
  if (dst == 0) return Error::Fault;
  task.kernel_stats_copied(len);
  ++task.kernel().stats().user_copies;
  if (arch::copy_to_user(task.context(), dst, src, len) != HB_OK) return Error::Fault;
  return {};
}

template <typename T>
Status copy_in(Task& task, T& out, uint64_t src) {
  return copy_from_user(task, &out, src, sizeof(T));
}

template <typename T>
Status copy_out(Task& task, uint64_t dst, const T& value) {
  return copy_to_user(task, dst, &value, sizeof(T));
}

}  // namespace kernel
