// kernel/ipc_send.cc - the sending half of the message path (see ipc.h for the map).
#include <kernel/ipc.h>
#include <kernel/reply.h>
#include <kernel/user_copy.h>

namespace kernel {

Status decode_message(Task& sender, uint64_t user_msg, const Port* through,
                      OutgoingMessage& m) {
  TRY(copy_in(sender, m.out, user_msg));
  if (m.out.len > HB_MSG_MAX || m.out.handle_count > HB_MSG_HANDLES_MAX) return Error::TooBig;
  // Moving capabilities touches other objects (their counts, their ports' lives): only the
  // whole kernel may (kernel_lock.h). Nothing has changed yet.
  if (m.out.handle_count > 0 && sender.kernel().core_side()) return Error::NeedsWholeKernel;
  TRY(copy_from_user(sender, m.handles, reinterpret_cast<uint64_t>(m.out.handles),
                     m.out.handle_count * sizeof(hb_handle_t)));
  for (uint32_t i = 0; i < m.out.handle_count; ++i) {
    Capability* cap = TRY(sender.handles().lookup(m.handles[i]));
    if (!cap->has(HB_RIGHT_TRANSFER)) return Error::Access;  // DOC: transfer-needs-right
    for (uint32_t j = 0; j < i; ++j)
      if (m.handles[j] == m.handles[i]) return Error::InvalidArg;
    // A port's receive right sent into that same port could never be received: refuse.
    // Likewise into a port whose own receive right is itself inside a message: that is
    // the only way a cycle of unreachable ports can close (see Port::receive_side_in_transit).
    if (is_port_receive_right(*cap) && through &&
        (cap->object == through || through->receive_side_in_transit()))
      return Error::InvalidArg;  // DOC: no-receive-cycles
  }
  return {};
}

Result<Message*> prepare_message(Task& sender, uint64_t user_msg, const Port* through) {
  OutgoingMessage m;
  TRY(decode_message(sender, user_msg, through, m));
  Message* message = TRY(Message::try_create(sender, m.out.len));
  Status copied = copy_from_user(sender, message->payload(),
                                 reinterpret_cast<uint64_t>(m.out.data), m.out.len);
  if (!copied.ok()) {
    Message::destroy(message);
    return copied.error();
  }
  if (m.out.len) count_payload_copy(sender.kernel(), m.out.len);  // into the kernel buffer
  message->set_pending_handles(m.handles, m.out.handle_count);
  sender.kernel().trace().emit(TraceKind::Copy, sender.id(), 0, through ? through->koid() : 0,
                               m.out.len);
  return message;
}

void finish_sender(Kernel& kernel, Task& sender) {
  WaitState& w = sender.wait();
  w.message = nullptr;
  if (w.call_after_send) {
    // hb_call step (2): the request is in; keep waiting, now for the answer.
    w.kind = WaitKind::Reply;
    w.port = nullptr;
    return;
  }
  kernel.wake(sender, HB_OK);
}

void admit_blocked_senders(Kernel& kernel, Port& port) {
  while (port.has_room()) {
    Task* sender = port.first_blocked_sender();
    if (!sender) return;
    port.remove_blocked_sender(*sender);
    Message* message = sender->wait().message;
    if (port.receive_side_in_transit() && message->carries_receive_right(*sender)) {
      // The check of prepare_message, again: while this sender waited, the port's receive
      // right went into a message, and queueing ours now could close a cycle.
      sender->wait().message = nullptr;
      message->m_blocked_sender = nullptr;
      Message::destroy(message);
      kernel.wake(*sender, HB_ERR_INVALID_ARG);
      continue;
    }
    port.enqueue(*message);
    kernel.trace().emit(TraceKind::QueueDepth, sender->id(), 0, port.koid(), port.queued());
    if (sender->wait().send_flags & HB_SEND_SYNC) continue;  // still waits for a receiver
    message->commit_handles(*sender);
    message->m_blocked_sender = nullptr;
    finish_sender(kernel, *sender);
  }
}

// Puts `sender` to sleep with `message`: in the port's sender queue, or, for a SYNC
// message that is already queued, just waiting for it to be taken.
static int64_t block_sender(Kernel& kernel, Task& sender, Port& port, Message* message,
                            uint32_t flags, hb_time_t timeout, bool is_call, bool queued) {
  WaitState& w = sender.wait();
  w.kind = WaitKind::Send;
  w.port = &port;
  w.message = message;
  w.call_after_send = is_call;
  w.send_flags = flags;
  message->m_blocked_sender = &sender;
  if (!queued) port.add_blocked_sender(sender);  // DOC: sender-waits-with-its-message
  kernel.block(sender, timeout);
  return kBlocked;
}

int64_t send_message(Kernel& kernel, Task& sender, Port& port, Message* message,
                     uint32_t flags, hb_time_t timeout, bool is_call) {
  Trace& trace = kernel.trace();
  message->m_trace_id = trace.next_message_id();
  const bool sync = (flags & HB_SEND_SYNC) != 0;

  // (a) A receiver is already waiting, and the fast path (ipc_fast.cc) left this message
  //     to us (its buffer is too small, its handle table full, or the sender's reply object
  //     was busy): deliver it from the kernel's buffer, which reports those cases.
  while (Task* receiver = port.first_waiting_receiver_for(sender.id())) {
    WaitState& rw = receiver->wait();
    trace.emit(TraceKind::Send, sender.id(), 0, port.koid(), message->len(), receiver->id(),
               message->m_trace_id);
    Status delivered = deliver(kernel, *receiver, rw.in, rw.user_in, *message, &sender, &port);
    port.remove_blocked_receiver(*receiver);
    kernel.wake(*receiver, delivered.ok() ? HB_OK : to_status(delivered.error()));
    if (!delivered.ok()) continue;  // that receiver's buffers were wrong; try the next one
    ++port.stats_sent;
    ++port.stats_received;
    Message::destroy(message);
    if (is_call) return block_sender_for_reply(kernel, sender, timeout);
    return HB_OK;  // DOC: handoff-to-waiting-receiver
  }

  // (b) Room in the queue: the kernel keeps the message for a later receive.
  if (port.has_room()) {
    if (sync && !is_call && timeout == HB_NOWAIT) {
      Message::destroy(message);
      return HB_ERR_WOULD_BLOCK;  // nobody is there to take it now
    }
    port.enqueue(*message);  // DOC: queue-append
    ++port.stats_sent;
    trace.emit(TraceKind::Send, sender.id(), 0, port.koid(), message->len(), 0,
               message->m_trace_id);
    trace.emit(TraceKind::QueueDepth, sender.id(), 0, port.koid(), port.queued());
    if (sync && !is_call)  // DOC: send-sync-waits-for-receiver
      return block_sender(kernel, sender, port, message, flags, timeout, false, true);
    message->commit_handles(sender);
    if (is_call) return block_sender_for_reply(kernel, sender, timeout);
    return HB_OK;
  }

  // (c) No receiver, no room: wait with the message, or give up now.
  if (timeout == HB_NOWAIT) {
    Message::destroy(message);
    return HB_ERR_WOULD_BLOCK;
  }
  ++port.stats_sent;
  trace.emit(TraceKind::Send, sender.id(), 0, port.koid(), message->len(), 0,
             message->m_trace_id);
  return block_sender(kernel, sender, port, message, flags, timeout, is_call, false);
}

}  // namespace kernel
