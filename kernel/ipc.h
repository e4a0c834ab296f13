// kernel/ipc.h - the message path shared by send, receive, call and reply.
//
// The life of a message, by function (docs/design.md walks through it):
//   sys_send (sys_ipc.cc)            decode the port handle and rights
//   fast_send (ipc_fast.cc)          a receiver waits: one copy from sender to receiver,
//                                    no Message at all (hand_off); else, the kernel-
//                                    buffered path:
//   decode_message (ipc_send.cc)     copy the hb_msg_out in, check the handles
//   prepare_message (ipc_send.cc)    ... and copy the bytes into a kernel Message
//   send_message (ipc_send.cc)       (a) hand it to a waiting receiver, (b) queue it,
//                                    (c) or block the sender with it
//   deliver (ipc_deliver.cc)         copy it out into one receiver's buffers, move handles
//   receive_message (ipc_receive.cc) the receiver's side: take the oldest message or wait
//   take_from_port (ipc_receive.cc)  after delivery: dequeue, finish its sender, admit
//                                    blocked senders into the freed slot
#pragma once

#include <kernel/kernel.h>
#include <kernel/message.h>
#include <kernel/port.h>

namespace kernel {

class Reply;

// The return value of a fast-path function that leaves the syscall to the kernel-buffered
// path (nothing changed, except receivers woken with HB_ERR_FAULT for their bad buffers).
constexpr int64_t kSlowPath = INT64_MIN + 1;

// An hb_msg_out of a sender, copied in and checked; its bytes are still in the sender.
struct OutgoingMessage {
  hb_msg_out out;
  hb_handle_t handles[HB_MSG_HANDLES_MAX];
};

// Copies in and checks an hb_msg_out of `sender` and its handle list, changing nothing:
// TooBig, Fault, BadHandle, Access (a handle without HB_RIGHT_TRANSFER), InvalidArg (a
// handle listed twice, or a receive right that `through` must not carry).
Status decode_message(Task& sender, uint64_t user_msg, const Port* through, OutgoingMessage& m);

// Counts one copy of message bytes (KernelStats::payload_copies / payload_bytes).
inline void count_payload_copy(Kernel& kernel, uint64_t len) {
  ++kernel.stats().payload_copies;
  kernel.stats().payload_bytes += len;
}

// ---- the fast path (ipc_fast.cc) ----
// What travels with a handed-off message besides its bytes and handles.
struct Handoff {
  uint64_t badge;      // of the send right used (0 for a reply)
  Reply* reply;        // hb_call: a new capability to it becomes the receiver's in->reply
  const Port* port;    // for the trace; nullptr for a reply
};
enum class HandoffResult : uint8_t { Delivered, DoesNotFit, SenderFault, ReceiverFault };

// Moves `m` from `sender` straight into the buffers of `receiver`, which is blocked with
// them in its WaitState (a receive, or a call waiting for its answer): one copy of the
// bytes, the handle numbers and hb_msg_in written, then the handles moved. Validate-then-
// commit: on any result but Delivered no kernel state changed (ReceiverFault may leave the
// receiver's buffers partly written). Does not wake the receiver. Lock held.
HandoffResult hand_off(Kernel& kernel, Task& sender, const OutgoingMessage& m, Task& receiver,
                       const Handoff& h);

// hb_send / hb_send_task / hb_call when a receiver may wait on `port`: decodes the message
// and hands it to the oldest waiting receiver that takes it. Returns HB_OK (delivered; the
// receiver is woken), an error of the sender's message (TooBig, Fault, BadHandle, Access,
// InvalidArg, NoMemory for the quota), or kSlowPath.
int64_t fast_send(Kernel& kernel, Task& sender, Port& port, uint64_t user_msg, uint64_t badge,
                  Reply* reply);

// Copies in and checks an hb_msg_out of `sender`: TooBig, Fault, BadHandle, Access (a
// handle without HB_RIGHT_TRANSFER), InvalidArg (a handle listed twice, or the receive
// right of `through` itself). Returns an uncommitted message charged to the sender.
Result<Message*> prepare_message(Task& sender, uint64_t user_msg, const Port* through);

// Sends a prepared message to `port` (takes ownership of `message`). `is_call`: the sender
// waits for the reply afterwards (message->m_reply_cap is set). Returns HB_OK, an error, or
// kBlocked.
int64_t send_message(Kernel& kernel, Task& sender, Port& port, Message* message,
                     uint32_t flags, hb_time_t timeout, bool is_call);

// Copies `message` into the buffers `in` of `receiver` (whose hb_msg_in lives at user_in)
// and moves its handles. `sender` is the still-blocked sender of an uncommitted message.
// Validate-then-commit: on error nothing changed except the out fields len/handle_count
// for BufferTooSmall.
// `port` (nullable: replies have none) is only for the trace.
Status deliver(Kernel& kernel, Task& receiver, const hb_msg_in& in, uint64_t user_in,
               Message& message, Task* sender, const Port* port);

// Would a receive on `port` (from `from`, 0 = anyone) move handles: out of the message it
// takes, or into the queue with a blocked sender's message it admits? Only the whole kernel
// may (kernel_lock.h); a core-side receive gives up first (kNeedsWholeKernel).
bool receive_needs_whole_kernel(const Port& port, hb_task_id_t from = 0);

// Receives on `port` for `receiver`: delivers the oldest acceptable message, or blocks.
int64_t receive_message(Kernel& kernel, Task& receiver, Port& port, uint64_t user_in,
                        const hb_msg_in& in, uint32_t flags, hb_time_t timeout);

// After `message` was delivered out of `port`: unlink it, finish its blocked sender,
// admit waiting senders, destroy the message.
void take_from_port(Kernel& kernel, Port& port, Message& message);

// A queue slot of `port` freed up: move blocked senders' messages into the queue.
void admit_blocked_senders(Kernel& kernel, Port& port);

// hb_call step (2): the request is accepted; `caller` sleeps until the answer (its wait
// already holds the reply object and the hb_msg_in for the answer).
int64_t block_sender_for_reply(Kernel& kernel, Task& caller, hb_time_t timeout);

// The sender of a message that was just accepted (delivered or queued): wake it with OK,
// or, for hb_call, let it wait for the reply.
void finish_sender(Kernel& kernel, Task& sender);

}  // namespace kernel
