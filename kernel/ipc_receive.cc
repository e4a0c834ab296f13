// kernel/ipc_receive.cc - the receiving half of the message path (see ipc.h for the map).
#include <kernel/ipc.h>

namespace kernel {

void take_from_port(Kernel& kernel, Port& port, Message& message) {
  Task* sender = message.m_blocked_sender;
  if (message.m_queue_node.linked()) {
    port.dequeue(message);
  } else {
    KASSERT(sender != nullptr, "a message outside the queue rides with its blocked sender");
    port.remove_blocked_sender(*sender);  // DOC: rendezvous-meets
  }
  ++port.stats_received;
  kernel.trace().emit(TraceKind::QueueDepth, 0, 0, port.koid(), port.queued());
  message.m_blocked_sender = nullptr;
  Message::destroy(&message);
  if (sender) finish_sender(kernel, *sender);
  admit_blocked_senders(kernel, port);  // a slot freed up
  port.wake_receivers_if_closed();      // that may have been the last message
}

bool receive_needs_whole_kernel(const Port& port, hb_task_id_t from) {
  const Message* message = port.first_message_from(from);
  return message && (message->handle_count() > 0 || port.admits_handles());
}

int64_t receive_message(Kernel& kernel, Task& receiver, Port& port, uint64_t user_in,
                        const hb_msg_in& in, uint32_t flags, hb_time_t timeout) {
  hb_task_id_t from = (flags & HB_RECV_FROM) ? in.sender : 0;  // DOC: receive-from-named
  if (Message* message = port.first_message_from(from)) {
    // Handles delivered out of the message, or moved into the queue with a blocked
    // sender's message this receive admits: only the whole kernel may (kernel_lock.h).
    if (kernel.core_side() && receive_needs_whole_kernel(port, from)) return kNeedsWholeKernel;
    Task* sender = message->committed() ? nullptr : message->m_blocked_sender;
    Status delivered = deliver(kernel, receiver, in, user_in, *message, sender, &port);
    if (!delivered.ok()) return to_status(delivered.error());
    take_from_port(kernel, port, *message);
    return HB_OK;
  }
  if (port.no_more_messages()) return HB_ERR_PEER_CLOSED;
  if (timeout == HB_NOWAIT) return HB_ERR_WOULD_BLOCK;  // DOC: nowait-null-message
  WaitState& w = receiver.wait();
  w.kind = WaitKind::Receive;
  w.port = &port;
  w.user_in = user_in;
  w.in = in;
  w.recv_flags = flags;
  port.add_blocked_receiver(receiver);
  kernel.block(receiver, timeout);
  return kBlocked;
}

}  // namespace kernel
