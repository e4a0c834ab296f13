// kernel/ipc.h - the message path shared by send, receive, call and reply.
//
// The life of a message, by function (docs/design.md walks through it):
//   sys_send (sys_ipc.cc)            decode the port handle and rights
//   prepare_message (ipc_send.cc)    copy the hb_msg_out and bytes in, check the handles
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
