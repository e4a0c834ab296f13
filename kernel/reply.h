// kernel/reply.h - a reply capability: the one-shot right to answer one hb_call.
//
// The protocol, step by step (the numbers are cited in kernel/ipc_call.cc):
//   (1) hb_call creates a Reply that points at the caller, and sends the request with a
//       capability to it riding in the message (Message::m_reply_cap);
//   (2) the receiver gets that capability as in->reply; it may answer it, move it to
//       another task in a message, or drop it;
//   (3) hb_reply(reply) copies the answer straight into the waiting caller's buffer, wakes
//       it, and consumes the capability: a second reply fails with HB_ERR_BAD_HANDLE;
//   (4) if the last capability disappears unanswered (dropped, holder died, message
//       destroyed), the caller wakes with HB_ERR_PEER_CLOSED;
//   (5) if the caller stops waiting first (timeout, death), the Reply is orphaned and a
//       later hb_reply fails with HB_ERR_PEER_CLOSED (the capability is still consumed).
// A task keeps the Reply of its last call (Task::m_reply_cache) and reuses it for the next
// once no capability to it is left; a stale capability of a call that gave up keeps the old
// object to itself, so a late reply can never reach a newer call.
#pragma once

#include <kernel/object.h>

namespace kernel {

class Task;

class Reply final : public KernelObject {
 public:
  // NoMemory if the heap is exhausted. The caller is not retained: the caller clears
  // itself with orphan() before it stops waiting.
  static Reply* try_create(Kernel& kernel, Task& caller);
  Reply(Kernel& kernel, Task& caller);  // use try_create()

  Task* caller() const { return m_caller; }
  // (1) again: a reply object nobody else holds (refs() == 1, so no capability to it is
  // left) is reused for `caller`'s next call instead of making a new one.
  void rearm(Task& caller);
  void orphan() { m_caller = nullptr; }  // (5)
  bool answered() const { return m_answered; }
  void mark_answered() { m_answered = true; m_caller = nullptr; }

  void on_capability_added(uint32_t rights) override;
  void on_capability_removed(uint32_t rights) override;  // (4)

 private:
  void destroy_self() override;

  Task* m_caller;
  uint32_t m_capabilities{0};
  bool m_answered{false};
};

}  // namespace kernel
