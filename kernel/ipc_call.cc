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

// (1) The reply object of a call. A task makes one call at a time (it is one thread of
// control), so each task keeps the Reply of its last call and reuses it once nobody else
// holds it: after the first call, hb_call allocates nothing.
// DOC: reply-object-reused
// Returns a reply with the wait's reference taken (or nullptr if `allocate` is false and
// there is none to reuse; NoMemory as nullptr otherwise).
Reply* reply_for_call(Kernel& k, Task& t, bool allocate) {
  Reply* cached = t.m_reply_cache;
  if (cached && cached->refs() == 1) {  // only the cache holds it: no capability is left
    cached->rearm(t);
    cached->retain();
    return cached;
  }
  if (!allocate) return nullptr;
  Reply* fresh = Reply::try_create(k, t);
  if (!fresh) return nullptr;
  // The old one is still held by a stale capability (a call that timed out): it goes when
  // that does; the new one is kept instead.
  if (cached) cached->release();
  fresh->retain();
  t.m_reply_cache = fresh;
  return fresh;
}

// The caller's wait for the answer: the reply, and where the answer goes.
void wait_for_answer(Task& t, Reply* reply, uint64_t rep, const hb_msg_in& answer) {
  WaitState& w = t.wait();
  w.reply = reply;  // the wait owns one reference
  w.user_in = rep;
  w.in = answer;
}

void drop_reply(Reply* reply) {
  reply->orphan();
  reply->release();
}

// (3) Consumes the reply capability `handle` of `t` and wakes the caller (if it still waits)
// with `caller_result`. The replier gets HB_OK, HB_ERR_BUFFER_TOO_SMALL, or
// HB_ERR_PEER_CLOSED (the caller is gone or gave a bad buffer): HB_ERR_FAULT to a replier
// always means its own pointer.
int64_t finish_reply(Kernel& k, Task& t, hb_handle_t handle, Reply& reply,
                     int64_t caller_result) {
  Task* caller = reply.caller();
  reply.mark_answered();
  Capability cap = t.handles().remove(handle);  // one-shot: a second reply is BAD_HANDLE
  capability_drop(cap);
  if (caller) k.wake(*caller, caller_result);  // DOC: reply-wakes-caller
  return caller_result == HB_ERR_FAULT ? HB_ERR_PEER_CLOSED : caller_result;
}

// The fast path of a reply (ipc_fast.cc): the caller waits, so the answer goes straight into
// its buffer. Returns the replier's result, or kSlowPath.
int64_t fast_reply(Kernel& k, Task& t, hb_handle_t handle, uint64_t msg, Reply& reply,
                   bool& consumed) {
  Task* caller = reply.caller();
  consumed = false;
  OutgoingMessage m;
  Status decoded = decode_message(t, msg, nullptr, m);
  if (!decoded.ok()) return to_status(decoded.error());  // the capability is kept
  Status fits = t.quota().check_bytes(message_charge(m.out.len));
  if (!fits.ok()) return to_status(fits.error());
  for (uint32_t i = 0; i < m.out.handle_count; ++i)
    if (m.handles[i] == handle) return kSlowPath;  // refused there, after its other checks
  switch (hand_off(k, t, m, *caller, Handoff{0, nullptr, nullptr})) {
    case HandoffResult::Delivered:
      ++k.stats().messages_sent;  // the answer is a message too
      consumed = true;
      return finish_reply(k, t, handle, reply, HB_OK);
    case HandoffResult::SenderFault:
      return HB_ERR_FAULT;  // the replier's own pointer: the capability is kept
    case HandoffResult::ReceiverFault:
      consumed = true;
      return finish_reply(k, t, handle, reply, HB_ERR_FAULT);
    case HandoffResult::DoesNotFit:
      break;
  }
  return kSlowPath;
}

// hb_reply's work, both paths: checks the reply handle, answers the caller. `consumed`:
// the capability was used up (the result is then the caller's fate, not the replier's error).
int64_t answer(Kernel& k, Task& t, hb_handle_t handle, uint64_t msg, bool& consumed) {
  consumed = false;
  Result<Capability*> cap = t.handles().lookup(handle, ObjectType::Reply, HB_RIGHT_SEND);
  if (!cap.ok()) return to_status(cap.error());
  Reply& reply = *static_cast<Reply*>(cap.value()->object);
  consumed = true;
  if (!reply.caller()) return finish_reply(k, t, handle, reply, HB_ERR_PEER_CLOSED);  // (5)
  int64_t fast = fast_reply(k, t, handle, msg, reply, consumed);
  if (fast != kSlowPath) return fast;
  consumed = false;
  // The kernel-buffered path: stage the answer, then deliver it (BUFFER_TOO_SMALL included).
  Result<Message*> prepared = prepare_message(t, msg, nullptr);
  if (!prepared.ok()) return to_status(prepared.error());
  Message* message = prepared.value();
  if (message->carries(handle)) {  // a reply capability cannot answer itself
    Message::destroy(message);
    return HB_ERR_INVALID_ARG;
  }
  consumed = true;
  Task* caller = reply.caller();
  Status delivered = deliver(k, *caller, caller->wait().in, caller->wait().user_in, *message,
                             &t, nullptr);
  if (delivered.ok()) ++k.stats().messages_sent;
  Message::destroy(message);
  return finish_reply(k, t, handle, reply, delivered.ok() ? HB_OK : to_status(delivered.error()));
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
  PortLocked locked(port);
  if (port.is_dead()) return HB_ERR_PEER_CLOSED;

  // The fast path, when a server waits and this task's reply object is free for reuse.
  Reply* reply = nullptr;
  if (port.first_waiting_receiver_for(t.id()) && (reply = reply_for_call(k, t, false))) {
    int64_t result = fast_send(k, t, port, req, badge, reply);
    if (result == HB_OK) {
      ++t.stats_sent;
      ++k.stats().messages_sent;
      wait_for_answer(t, reply, rep, answer);
      return block_sender_for_reply(k, t, timeout);  // (2)
    }
    if (result != kSlowPath) {
      drop_reply(reply);
      return result;
    }
  }

  Result<Message*> prepared = prepare_message(t, req, &port);
  if (!prepared.ok()) {
    if (reply) drop_reply(reply);
    return to_status(prepared.error());
  }
  Message* message = prepared.value();
  if (!reply) reply = reply_for_call(k, t, true);
  if (!reply) {
    Message::destroy(message);
    return HB_ERR_NO_MEMORY;
  }
  message->m_badge = badge;
  message->m_reply_cap = capability_create(*reply, HB_RIGHT_SEND | HB_RIGHT_TRANSFER, 0);
  wait_for_answer(t, reply, rep, answer);
  ++t.stats_sent;
  ++k.stats().messages_sent;
  int64_t result = send_message(k, t, port, message, 0, timeout, true);
  if (result != kBlocked) {
    drop_reply(t.wait().reply);
    t.wait() = WaitState{};
  }
  return result;
}

int64_t reply(Kernel& k, Task& t, hb_handle_t handle, uint64_t msg) {
  bool consumed;
  return answer(k, t, handle, msg, consumed);
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
  // The port stays locked from here: on the core side, whether the receive may run there is
  // decided before the reply (which cannot be taken back) is sent.
  PortLocked locked(port);
  if (k.core_side() && receive_needs_whole_kernel(port)) return kNeedsWholeKernel;
  if (handle != HB_INVALID) {
    // A client that vanished or gave a bad buffer is its own problem: the server goes on
    // to its next request either way (the server loop must not stall on one client). Its
    // own errors (a bad handle, a bad message) stop here, the capability kept.
    bool consumed;
    int64_t answered = answer(k, t, handle, msg, consumed);
    if (!consumed) return answered;
  }
  return receive_message(k, t, port, next, in, 0, timeout);
}

}  // namespace sys
}  // namespace kernel
