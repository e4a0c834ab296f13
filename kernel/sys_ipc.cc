// kernel/sys_ipc.cc - hb_send, hb_send_task, hb_recv: decode, then the message path (ipc.h).
#include <kernel/ipc.h>
#include <kernel/syscalls.h>
#include <kernel/user_copy.h>

namespace kernel::sys {

namespace {
// A receiver already waits: the fast path (ipc_fast.cc) moves the message, or says kSlowPath.
int64_t send_fast(Kernel& k, Task& t, Port& port, uint64_t msg, uint64_t badge) {
  if (!port.first_waiting_receiver_for(t.id())) return kSlowPath;
  int64_t result = fast_send(k, t, port, msg, badge, nullptr);
  if (result == HB_OK) {
    ++t.stats_sent;
    ++k.stats().messages_sent;
  }
  return result;
}
}  // namespace

int64_t send(Kernel& k, Task& t, hb_handle_t handle, uint64_t msg, uint32_t flags,
             hb_time_t timeout) {
  Result<Capability*> cap = t.handles().lookup(handle, ObjectType::Port, HB_RIGHT_SEND);
  if (!cap.ok()) return to_status(cap.error());
  if (flags & ~HB_SEND_SYNC) return HB_ERR_INVALID_ARG;
  Port& port = *static_cast<Port*>(cap.value()->object);
  uint64_t badge = cap.value()->badge;
  PortLocked locked(port);
  if (port.is_dead()) return HB_ERR_PEER_CLOSED;  // DOC: send-to-dead-port
  int64_t fast = send_fast(k, t, port, msg, badge);
  if (fast != kSlowPath) return fast;
  Result<Message*> message = prepare_message(t, msg, &port);
  if (!message.ok()) return to_status(message.error());
  message.value()->m_badge = badge;
  ++t.stats_sent;
  ++k.stats().messages_sent;
  return send_message(k, t, port, message.value(), flags, timeout, false);
}

int64_t send_task(Kernel& k, Task& t, hb_task_id_t id, uint64_t msg, uint32_t flags,
                  hb_time_t timeout) {
  if (flags & ~HB_SEND_SYNC) return HB_ERR_INVALID_ARG;
  Task* target = k.find_task(id);  // DOC: direct-naming
  if (!target) return HB_ERR_NOT_FOUND;
  if (!target->alive()) return HB_ERR_PEER_CLOSED;
  Port& inbox = target->inbox();
  PortLocked locked(inbox);
  int64_t fast = send_fast(k, t, inbox, msg, 0);
  if (fast != kSlowPath) return fast;
  Result<Message*> message = prepare_message(t, msg, &inbox);
  if (!message.ok()) return to_status(message.error());
  ++t.stats_sent;
  ++k.stats().messages_sent;
  return send_message(k, t, inbox, message.value(), flags, timeout, false);
}

int64_t recv(Kernel& k, Task& t, hb_handle_t handle, uint64_t user_in, uint32_t flags,
             hb_time_t timeout) {
  Result<Capability*> cap = t.handles().lookup(handle, ObjectType::Port, HB_RIGHT_RECV);
  if (!cap.ok()) return to_status(cap.error());
  if (flags & ~HB_RECV_FROM) return HB_ERR_INVALID_ARG;
  hb_msg_in in;
  Status copied = copy_in(t, in, user_in);
  if (!copied.ok()) return to_status(copied.error());
  if ((flags & HB_RECV_FROM) && in.sender == 0) return HB_ERR_INVALID_ARG;
  Port& port = *static_cast<Port*>(cap.value()->object);
  PortLocked locked(port);
  return receive_message(k, t, port, user_in, in, flags, timeout);
}

}  // namespace kernel::sys
