// kernel/ipc_call.cc - hb_call, hb_reply, hb_reply_recv: RPC over ports with one-shot reply
// capabilities. Step numbers refer to the protocol in reply.h.
#include <kernel/ipc.h>
#include <kernel/reply.h>
#include <kernel/syscalls.h>
#include <kernel/user_copy.h>

namespace kernel {

int64_t block_sender_for_reply(Kernel& kernel, Task& caller, hb_time_t timeout) {
  WaitState& w = caller.wait();
  w.kind = WaitKind::Reply;  // (2) the request is accepted; now wait for (3) or (4)
  w.message = nullptr;
  w.port = nullptr;
  kernel.block(caller, timeout);
  return kBlocked;
}

namespace {

// The server's half of a reply, checked: its reply handle and its answer, ready to go.
struct PreparedReply {
  Reply* reply;
  Message* message;  // nullptr when the caller is already gone
};

Result<PreparedReply> prepare_reply(Task& t, hb_handle_t handle, uint64_t msg) {
  Capability* cap = TRY(t.handles().lookup(handle, ObjectType::Reply, HB_RIGHT_SEND));
  Reply* reply = static_cast<Reply*>(cap->object);
  if (!reply->caller()) return PreparedReply{reply, nullptr};  // (5)
  Message* message = TRY(prepare_message(t, msg, nullptr));
  if (message->carries(handle)) {  // a reply capability cannot answer itself
    Message::destroy(message);
    return Error::InvalidArg;
  }
  return PreparedReply{reply, message};
}

// (3) Consumes the reply capability and hands the answer to the caller. The caller sees its
// own error; the replier gets HB_OK, HB_ERR_BUFFER_TOO_SMALL, or HB_ERR_PEER_CLOSED (the
// caller is gone or gave a bad buffer): HB_ERR_FAULT to a replier always means its own pointer.
int64_t complete_reply(Kernel& k, Task& t, hb_handle_t handle, PreparedReply prepared) {
  Task* caller = prepared.reply->caller();
  int64_t result = HB_ERR_PEER_CLOSED;
  if (caller && prepared.message) {
    WaitState& w = caller->wait();
    Status delivered = deliver(k, *caller, w.in, w.user_in, *prepared.message, &t, nullptr);
    if (delivered.ok()) ++k.stats().messages_sent;  // the answer is a message too
    result = delivered.ok() ? HB_OK : to_status(delivered.error());
  }
  prepared.reply->mark_answered();
  Capability cap = t.handles().remove(handle);  // one-shot: a second reply is BAD_HANDLE
  capability_drop(cap);
  if (prepared.message) Message::destroy(prepared.message);
  if (caller) k.wake(*caller, result);  // DOC: reply-wakes-caller
  return result == HB_ERR_FAULT ? HB_ERR_PEER_CLOSED : result;
}

}  // namespace

namespace sys {

int64_t call(Kernel& k, Task& t, hb_handle_t handle, uint64_t req, uint64_t rep,
             hb_time_t timeout) {
  Result<Capability*> cap = t.handles().lookup(handle, ObjectType::Port, HB_RIGHT_SEND);
  if (!cap.ok()) return to_status(cap.error());
  if (timeout == HB_NOWAIT) return HB_ERR_INVALID_ARG;  // a call always waits for its answer
  hb_msg_in answer;
  Status copied = copy_in(t, answer, rep);
  if (!copied.ok()) return to_status(copied.error());
  Port& port = *static_cast<Port*>(cap.value()->object);
  uint64_t badge = cap.value()->badge;
  if (port.is_dead()) return HB_ERR_PEER_CLOSED;
  Result<Message*> prepared = prepare_message(t, req, &port);
  if (!prepared.ok()) return to_status(prepared.error());
  Message* message = prepared.value();
  Reply* reply = Reply::try_create(k, t);  // (1)
  if (!reply) {
    Message::destroy(message);
    return HB_ERR_NO_MEMORY;
  }
  message->m_badge = badge;
  message->m_reply_cap = capability_create(*reply, HB_RIGHT_SEND | HB_RIGHT_TRANSFER, 0);
  WaitState& w = t.wait();
  w.reply = reply;  // the wait owns the creation reference
  w.user_in = rep;
  w.in = answer;
  ++t.stats_sent;
  ++k.stats().messages_sent;
  int64_t result = send_message(k, t, port, message, 0, timeout, true);
  if (result != kBlocked) {
    reply->orphan();
    reply->release();
    w = WaitState{};
  }
  return result;
}

int64_t reply(Kernel& k, Task& t, hb_handle_t handle, uint64_t msg) {
  Result<PreparedReply> prepared = prepare_reply(t, handle, msg);
  if (!prepared.ok()) return to_status(prepared.error());
  return complete_reply(k, t, handle, prepared.value());
}

int64_t reply_recv(Kernel& k, Task& t, hb_handle_t handle, uint64_t msg, hb_handle_t port_handle,
                   uint64_t next, hb_time_t timeout) {
  // Check the receive side first: a bad port handle must not consume the reply.
  Result<Capability*> cap = t.handles().lookup(port_handle, ObjectType::Port, HB_RIGHT_RECV);
  if (!cap.ok()) return to_status(cap.error());
  hb_msg_in in;
  Status copied = copy_in(t, in, next);
  if (!copied.ok()) return to_status(copied.error());
  Port& port = *static_cast<Port*>(cap.value()->object);
  if (handle != HB_INVALID) {
    Result<PreparedReply> prepared = prepare_reply(t, handle, msg);
    if (!prepared.ok()) return to_status(prepared.error());
    // A client that vanished or gave a bad buffer is its own problem: the server goes on
    // to its next request either way (the server loop must not stall on one client).
    (void)complete_reply(k, t, handle, prepared.value());
  }
  return receive_message(k, t, port, next, in, 0, timeout);
}

}  // namespace sys
}  // namespace kernel
