// userland/runtime/hosted/attach.h - attaching a process's runtime to a syscall channel by
// hand, instead of from HARBOR_CHANNEL_FD at start-up (hosted only; channel.cc).
//
// For Harbor::testing (userland/testing): a test program is no task when it starts. It
// becomes one when its machine makes the test body a task (hosted::Machine::attach_self),
// and a child it forks to run a function as a task (hosted::Machine::start_function)
// attaches to that task's channel before running the function. A program that links
// Harbor::testing defines
//     extern "C" const char hb_runtime_attach_explicitly = 1;
// so that starting without HARBOR_CHANNEL_FD is not an error.
//
// While no channel is attached (before, or after detach_channel) and when the channel says
// the machine forgot this task, every hb_* call returns HB_ERR_PEER_CLOSED instead of
// ending the process.
#pragma once

namespace harbor::runtime {

// Maps the channel whose memfd is `fd` (fd stays open: the caller closes it) and makes it
// this process's channel, replacing (unmapping) any earlier one; hb_start_args will receive
// the new task's start message. False, and nothing changed, if `fd` is no channel. Call it
// from the thread that makes the calls, while no call is in progress.
bool attach_channel(int fd);

// Unmaps the channel: hb_* calls return HB_ERR_PEER_CLOSED until the next attach_channel.
void detach_channel();

// start.cc: forget the start message received so far (a new attachment is a new task).
void forget_start_args();

}  // namespace harbor::runtime
