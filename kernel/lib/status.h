// kernel/lib/status.h - the kernel's error type, one-to-one with the HB_ERR_* ABI codes.
#pragma once

#include <harbor/sys.h>

#include <cstdint>

namespace kernel {

// Every kernel error is exactly one ABI error (STYLE 8): no translation table, no -1.
enum class Error : int32_t {
  BadHandle = HB_ERR_BAD_HANDLE,
  Access = HB_ERR_ACCESS,
  WouldBlock = HB_ERR_WOULD_BLOCK,
  TimedOut = HB_ERR_TIMED_OUT,
  PeerClosed = HB_ERR_PEER_CLOSED,
  NoMemory = HB_ERR_NO_MEMORY,
  TooBig = HB_ERR_TOO_BIG,
  Fault = HB_ERR_FAULT,
  InvalidArg = HB_ERR_INVALID_ARG,
  BufferTooSmall = HB_ERR_BUFFER_TOO_SMALL,
  NotFound = HB_ERR_NOT_FOUND,
  WrongType = HB_ERR_WRONG_TYPE,
  AlreadyExists = HB_ERR_ALREADY_EXISTS,  // only the name service returns it (user space)
  // The one exception, never returned to a task: a syscall running on the core side of the
  // kernel lock met something only the whole kernel may do, and changed nothing; the arch
  // runs it again with the whole kernel locked (kernel/kernel_lock.h).
  NeedsWholeKernel = INT32_MIN,
};

constexpr hb_status_t to_status(Error e) { return static_cast<hb_status_t>(e); }

}  // namespace kernel
