// kernel/ipc_deliver.cc - copying one message out to one receiver (see ipc.h).
#include <kernel/ipc.h>
#include <kernel/user_copy.h>

#include <cstddef>

namespace kernel {

Status deliver(Kernel& kernel, Task& receiver, const hb_msg_in& in, uint64_t user_in,
               Message& message, Task* sender, const Port* port) {
  const uint32_t handle_count = message.handle_count();
  const bool has_reply = !message.m_reply_cap.empty();

  // 1. Does it fit? If not, tell the receiver how much room it needs; the message stays.
  if (message.len() > in.cap || handle_count > in.handle_cap) {
    uint32_t needed[2] = {message.len(), handle_count};
    static_assert(offsetof(hb_msg_in, handle_count) == offsetof(hb_msg_in, len) + 4);
    TRY(copy_to_user(receiver, user_in + offsetof(hb_msg_in, len), needed, sizeof(needed)));
    return Error::BufferTooSmall;  // DOC: buffer-too-small-keeps-message
  }
  const uint32_t slots = handle_count + (has_reply ? 1 : 0);
  if (receiver.handles().free_slots() < slots) return Error::NoMemory;

  // 2. Write everything the receiver will see, before changing any kernel state: a fault
  //    here leaves the message where it was.
  hb_handle_t numbers[HB_MSG_HANDLES_MAX + 1];
  for (uint32_t i = 0; i < slots; ++i) numbers[i] = receiver.handles().peek(i);
  TRY(copy_to_user(receiver, reinterpret_cast<uint64_t>(in.data), message.payload(),
                   message.len()));
  if (message.len()) count_payload_copy(kernel, message.len());  // out of the kernel buffer
  TRY(copy_to_user(receiver, reinterpret_cast<uint64_t>(in.handles), numbers,
                   handle_count * sizeof(hb_handle_t)));
  hb_msg_in result = in;
  result.len = message.len();
  result.handle_count = handle_count;
  result.sender = message.sender_id();
  result.badge = message.badge();
  result.reply = has_reply ? numbers[handle_count] : HB_INVALID;
  TRY(copy_out(receiver, user_in, result));

  // 3. Commit: the handles leave the sender (if it still held them) for the receiver.
  if (!message.committed()) {
    KASSERT(sender != nullptr, "an uncommitted message has a waiting sender");
    message.commit_handles(*sender, /*queued=*/false);  // straight from table to table
  }
  hb_handle_t installed[HB_MSG_HANDLES_MAX];
  message.install_handles(receiver, installed);
  for (uint32_t i = 0; i < handle_count; ++i)
    KASSERT(installed[i] == numbers[i], "handle numbers match what peek() promised");
  if (has_reply) {
    Result<hb_handle_t> reply = receiver.handles().install(message.m_reply_cap);
    KASSERT(reply.ok() && reply.value() == numbers[handle_count], "reply handle as promised");
  }

  KernelStats& stats = kernel.stats();
  ++stats.messages_received;
  stats.bytes_copied += message.len();
  ++receiver.stats_received;
  uint64_t koid = port ? port->koid() : 0;
  kernel.trace().emit(TraceKind::Copy, receiver.id(), 0, koid, message.len(), message.sender_id(),
                      message.m_trace_id);
  kernel.trace().emit(TraceKind::Receive, receiver.id(), 0, koid, message.len(),
                      message.sender_id(), message.m_trace_id);
  return {};
}

}  // namespace kernel
