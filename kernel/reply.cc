// kernel/reply.cc - the one-shot reply capability (protocol steps in reply.h).
#include <kernel/kernel.h>
#include <kernel/lib/kmem.h>
#include <kernel/reply.h>

namespace kernel {

Reply::Reply(Kernel& kernel, Task& caller) : KernelObject(kernel, ObjectType::Reply), m_caller(&caller) {}

Reply* Reply::try_create(Kernel& kernel, Task& caller) { return make<Reply>(kernel, caller); }

void Reply::destroy_self() { destroy(this); }

void Reply::rearm(Task& caller) {
  KASSERT(m_capabilities == 0, "a reply object is reused only when no capability is left");
  m_caller = &caller;
  m_answered = false;
}

void Reply::on_capability_added(uint32_t) { ++m_capabilities; }

void Reply::on_capability_removed(uint32_t) {
  KASSERT(m_capabilities > 0, "reply capability count");
  if (--m_capabilities > 0 || m_answered || !m_caller) return;
  // (4) The last capability vanished unanswered. If the caller already waits for the
  // answer, tell it nobody will reply. (If it is still blocked sending the request, the
  // port that holds the request wakes it instead.)
  Task* caller = m_caller;
  if (caller->wait().kind == WaitKind::Reply && caller->wait().reply == this) {
    m_caller = nullptr;
    kernel().wake(*caller, HB_ERR_PEER_CLOSED);  // DOC: dropped-reply-wakes-caller
  }
}

}  // namespace kernel
