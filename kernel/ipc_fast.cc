// kernel/ipc_fast.cc - the fast path: a receiver already waits, so the message goes straight
// from the sender's memory into the receiver's buffers. One copy, no queue, no allocation.
//
// DOC: fast-path
// When it applies:
//   hb_send, hb_send_task, hb_call   a receiver waits on the port and accepts this sender
//                                    (a waiting receiver means nothing it would take is
//                                    queued, so the fast path never overtakes a queued
//                                    message: FIFO holds);
//   hb_reply, hb_reply_recv          the caller waits for its answer (it always does,
//                                    unless it gave up: step (5) of reply.h).
// The steps, each numbered in hand_off() below:
//   (1) validate everything first: the hb_msg_out and its handles (decode_message), the
//       sender's quota as if the message were staged, then the receiver's room: buffer
//       size, handle capacity, free handle slots;
//   (2) copy the bytes once, sender -> receiver (arch::copy_user_to_user), then the handle
//       numbers and the hb_msg_in the receiver will read;
//   (3) commit: move the handles from table to table, install the reply capability;
//   (4) the caller wakes the receiver (and, for hb_call, blocks for the answer).
// Whatever the fast path does not handle exactly like the kernel-buffered path, it leaves
// to that path (kSlowPath): a receiver whose buffer is too small, whose handle table is full,
// a reply that carries its own capability. So a syscall's outcome never depends on which
// path it took: the model test (tests/unit/model) holds both to the same rules.
#include <kernel/ipc.h>
#include <kernel/reply.h>
#include <kernel/user_copy.h>

#include <cstddef>

namespace kernel {

HandoffResult hand_off(Kernel& kernel, Task& sender, const OutgoingMessage& m, Task& receiver,
                       const Handoff& h) {
  const WaitState& w = receiver.wait();
  const hb_msg_in& in = w.in;
  const uint32_t len = m.out.len;
  const uint32_t count = m.out.handle_count;
  const uint32_t slots = count + (h.reply ? 1 : 0);

  // (1) Room at the receiver. Anything short of it is the kernel-buffered path's business.
  if (len > in.cap || count > in.handle_cap || receiver.handles().free_slots() < slots)
    return HandoffResult::DoesNotFit;

  // (2) Everything the receiver will see, before any kernel state changes. The sender's
  //     bytes are checked first: a bad source pointer writes nothing anywhere.
  if (len) {
    arch::CopyFault fault =
        arch::copy_user_to_user(sender.context(), reinterpret_cast<uint64_t>(m.out.data),
                                receiver.context(), reinterpret_cast<uint64_t>(in.data), len);
    if (fault == arch::CopyFault::Source) return HandoffResult::SenderFault;
    if (fault == arch::CopyFault::Destination) return HandoffResult::ReceiverFault;
    sender.kernel_stats_copied(len);
    receiver.kernel_stats_copied(len);
    KernelStats& stats = kernel.stats();
    ++stats.user_copies;
    count_payload_copy(kernel, len);  // the only copy of the bytes
  }
  hb_handle_t numbers[HB_MSG_HANDLES_MAX + 1];
  for (uint32_t i = 0; i < slots; ++i) numbers[i] = receiver.handles().peek(i);
  if (!copy_to_user(receiver, reinterpret_cast<uint64_t>(in.handles), numbers,
                    count * sizeof(hb_handle_t))
           .ok())
    return HandoffResult::ReceiverFault;
  hb_msg_in result;
  result.len = len;
  result.handle_count = count;
  result.sender = sender.id();
  result.badge = h.badge;
  result.reply = h.reply ? numbers[count] : HB_INVALID;
  // Only the out fields (len .. reply): the in fields are the receiver's own, unchanged.
  constexpr uint64_t kOut = offsetof(hb_msg_in, len);
  constexpr uint64_t kOutBytes = offsetof(hb_msg_in, reserved) - kOut;
  if (!copy_to_user(receiver, w.user_in + kOut, &result.len, kOutBytes).ok())
    return HandoffResult::ReceiverFault;

  // (3) Commit: the handles move straight from the sender's table to the receiver's.
  for (uint32_t i = 0; i < count; ++i) {
    Capability cap = sender.handles().remove(m.handles[i]);
    Result<hb_handle_t> installed = receiver.handles().install(cap);
    KASSERT(installed.ok() && installed.value() == numbers[i], "handle as peek() promised");
  }
  if (h.reply) {
    Capability cap = capability_create(*h.reply, HB_RIGHT_SEND | HB_RIGHT_TRANSFER, 0);
    Result<hb_handle_t> installed = receiver.handles().install(cap);
    KASSERT(installed.ok() && installed.value() == numbers[count], "reply handle as promised");
  }

  KernelStats& stats = kernel.stats();
  ++stats.messages_received;
  ++stats.fast_path;
  stats.bytes_copied += len;
  ++receiver.stats_received;
  Trace& trace = kernel.trace();
  if (trace.enabled()) {
    // As on the kernel-buffered path: a message through a port has an id and a Send record;
    // a reply has neither (the exporters draw it as "reply").
    uint64_t id = h.port ? trace.next_message_id() : 0;
    uint64_t koid = h.port ? h.port->koid() : 0;
    if (h.port) trace.emit(TraceKind::Send, sender.id(), 0, koid, len, receiver.id(), id);
    trace.emit(TraceKind::Copy, receiver.id(), 0, koid, len, sender.id(), id);
    trace.emit(TraceKind::Receive, receiver.id(), 0, koid, len, sender.id(), id);
  }
  return HandoffResult::Delivered;
}

int64_t fast_send(Kernel& kernel, Task& sender, Port& port, uint64_t user_msg, uint64_t badge,
                  Reply* reply) {
  OutgoingMessage m;
  Status decoded = decode_message(sender, user_msg, &port, m);
  if (!decoded.ok()) return to_status(decoded.error());
  // The kernel-buffered path would charge the sender's quota here; a send must not succeed
  // or fail depending on whether a receiver happened to wait.
  Status fits = sender.quota().check_bytes(message_charge(m.out.len));
  if (!fits.ok()) return to_status(fits.error());
  while (Task* receiver = port.first_waiting_receiver_for(sender.id())) {
    switch (hand_off(kernel, sender, m, *receiver, Handoff{badge, reply, &port})) {
      case HandoffResult::Delivered:
        port.remove_blocked_receiver(*receiver);
        ++port.stats_sent;
        ++port.stats_received;
        kernel.wake(*receiver, HB_OK);  // DOC: fast-path-wakes-receiver
        return HB_OK;
      case HandoffResult::SenderFault:
        return HB_ERR_FAULT;  // nothing happened: the receiver still waits
      case HandoffResult::ReceiverFault:
        // That receiver's buffers were wrong: it hears so; the next one may take it.
        port.remove_blocked_receiver(*receiver);
        kernel.wake(*receiver, HB_ERR_FAULT);
        continue;
      case HandoffResult::DoesNotFit:
        return kSlowPath;
    }
  }
  return kSlowPath;  // nobody (left) waiting: queue it or block, the kernel-buffered way
}

}  // namespace kernel
