// kernel/message.cc - creating, committing, delivering and freeing messages.
#include <kernel/kernel.h>
#include <kernel/lib/kmem.h>
#include <kernel/message.h>
#include <kernel/task.h>

namespace kernel {

Message::Message(Task& sender, uint32_t len)
    : m_charged(sender), m_sender_id(sender.id()), m_len(len) {
  sender.retain();
}

Result<Message*> Message::try_create(Task& sender, uint32_t len) {
  uint64_t charge = message_charge(len);
  TRY(sender.quota().charge_bytes(charge));
  void* memory = sender.kernel().caches().alloc(charge);  // per-core cache (kmem_cache.h)
  if (!memory) {
    sender.quota().release_bytes(charge);
    return Error::NoMemory;
  }
  return new (memory) Message(sender, len);
}

void Message::destroy(Message* message) {
  KASSERT(!message->m_queue_node.linked(), "destroying a queued message");
  if (message->m_committed) {
    for (uint32_t i = 0; i < message->m_handle_count; ++i) {
      Capability& cap = message->m_caps[i];
      if (cap.empty()) continue;
      if (message->m_in_transit) cap.object->on_capability_in_transit(false, cap.rights);
      capability_drop(cap);
    }
  }
  if (!message->m_reply_cap.empty()) capability_drop(message->m_reply_cap);
  Task& charged = message->m_charged;
  uint64_t charge = message_charge(message->m_len);
  message->~Message();
  charged.kernel().caches().free(message, charge);
  charged.quota().release_bytes(charge);
  charged.release();
}

void Message::set_pending_handles(const hb_handle_t* handles, uint32_t count) {
  KASSERT(count <= HB_MSG_HANDLES_MAX, "too many handles");
  for (uint32_t i = 0; i < count; ++i) m_pending[i] = handles[i];
  m_handle_count = count;
  m_committed = false;
}

bool Message::carries_receive_right(Task& sender) {
  for (uint32_t i = 0; i < m_handle_count; ++i) {
    if (m_committed) {
      if (is_port_receive_right(m_caps[i])) return true;
    } else {
      Result<Capability*> cap = sender.handles().lookup(m_pending[i]);
      if (cap.ok() && is_port_receive_right(*cap.value())) return true;
    }
  }
  return false;
}

bool Message::carries(hb_handle_t handle) const {
  if (m_committed) return false;
  for (uint32_t i = 0; i < m_handle_count; ++i)
    if (m_pending[i] == handle) return true;
  return false;
}

void Message::commit_handles(Task& sender, bool queued) {
  if (m_committed) return;
  for (uint32_t i = 0; i < m_handle_count; ++i) {
    m_caps[i] = sender.handles().remove(m_pending[i]);
    if (queued) m_caps[i].object->on_capability_in_transit(true, m_caps[i].rights);
  }
  m_committed = true;
  m_in_transit = queued;
}

void Message::add_capability(Capability& cap) {
  KASSERT(m_handle_count < HB_MSG_HANDLES_MAX, "too many handles");
  m_committed = true;
  m_in_transit = true;
  cap.object->on_capability_in_transit(true, cap.rights);
  m_caps[m_handle_count++] = cap;
  cap = Capability{};
}

void Message::install_handles(Task& receiver, hb_handle_t* out) {
  KASSERT(m_committed, "installing the handles of an uncommitted message");
  for (uint32_t i = 0; i < m_handle_count; ++i) {
    KernelObject* object = m_caps[i].object;
    uint32_t rights = m_caps[i].rights;
    Result<hb_handle_t> h = receiver.handles().install(m_caps[i]);
    if (m_in_transit) object->on_capability_in_transit(false, rights);
    KASSERT(h.ok(), "receiver's handle table was checked for room");
    out[i] = h.value();
  }
  m_handle_count = 0;
}

}  // namespace kernel
