// kernel/port.cc - port creation, its queues, its rights, and its death (see port.h).
#include <kernel/kernel.h>
#include <kernel/lib/kmem.h>
#include <kernel/port.h>

namespace kernel {

namespace {
constexpr uint32_t kMaxCapacity = 65536;
}

Port::Port(Kernel& kernel, Task* creator, uint32_t mode, uint32_t capacity, uint32_t flags)
    : KernelObject(kernel, ObjectType::Port),
      m_mode(mode),
      m_capacity(capacity),
      m_flags(flags),
      m_quota_owner(creator) {
  if (creator) creator->retain();
}

Port::~Port() {
  KASSERT(m_queue.empty(), "port freed with queued messages");
  KASSERT(m_blocked_senders.empty() && m_blocked_receivers.empty(), "port freed with waiters");
}

Result<Port*> Port::try_create(Kernel& kernel, Task* creator, uint32_t mode, uint32_t capacity,
                               uint32_t flags) {
  switch (mode) {
    case HB_PORT_RENDEZVOUS:
      if (capacity != 0) return Error::InvalidArg;
      break;
    case HB_PORT_BOUNDED:
      if (capacity == 0 || capacity > kMaxCapacity) return Error::InvalidArg;
      break;
    case HB_PORT_UNBOUNDED:
      if (capacity != 0) return Error::InvalidArg;
      break;
    default:
      return Error::InvalidArg;
  }
  if (flags & ~(HB_PORT_SYSTEM | HB_PORT_SHARED_RECV)) return Error::InvalidArg;
  if ((flags & HB_PORT_SHARED_RECV) && !(flags & HB_PORT_SYSTEM)) return Error::InvalidArg;
  if (creator) TRY(creator->quota().charge_port());
  Port* port = make<Port>(kernel, creator, mode, capacity, flags);
  if (!port) {
    if (creator) creator->quota().release_port();
    return Error::NoMemory;
  }
  return port;
}

Result<Port*> Port::try_create_inbox(Kernel& kernel, uint32_t capacity) {
  Port* port = TRY(try_create(kernel, nullptr, HB_PORT_BOUNDED, capacity, 0));
  port->m_is_inbox = true;
  return port;
}

void Port::destroy_self() {
  Task* owner = m_quota_owner;
  destroy(this);
  if (owner) {
    owner->quota().release_port();
    owner->release();
  }
}

uint32_t Port::recv_rights_for_new_handle() const {
  uint32_t rights = HB_RIGHT_RECV | HB_RIGHT_TRANSFER;
  if (m_flags & HB_PORT_SHARED_RECV) rights |= HB_RIGHT_DUP;
  return rights;
}

bool Port::no_more_messages() const {
  if (m_dead) return true;
  if (m_is_inbox) return false;  // anyone may send to an inbox by task id
  return m_send_rights == 0 && m_queue.empty() && m_blocked_senders.empty();
}

bool Port::has_room() const {
  if (m_dead) return false;
  switch (m_mode) {
    case HB_PORT_RENDEZVOUS:
      return false;  // DOC: rendezvous-never-queues
    case HB_PORT_BOUNDED:
      return m_queue.size() < m_capacity;  // DOC: send-blocks-when-full
    default:
      return true;  // unbounded: the sender's quota is the limit
  }
}

static bool accepts(const Task& receiver, hb_task_id_t sender) {
  const WaitState& w = const_cast<Task&>(receiver).wait();
  return !(w.recv_flags & HB_RECV_FROM) || w.in.sender == sender;
}

Task* Port::first_waiting_receiver_for(hb_task_id_t sender) const {
  for (Task* t = m_blocked_receivers.front(); t; t = m_blocked_receivers.next(*t))
    if (accepts(*t, sender)) return t;
  return nullptr;
}

Message* Port::first_message_from(hb_task_id_t from) const {
  // Queued messages first (they are older), then those still held by blocked senders.
  for (Message* m = m_queue.front(); m; m = m_queue.next(*m))
    if (from == 0 || m->sender_id() == from) return m;
  for (Task* t = m_blocked_senders.front(); t; t = m_blocked_senders.next(*t))
    if (from == 0 || t->id() == from) return t->wait().message;
  return nullptr;
}

bool Port::admits_handles() const {
  for (Task* t = m_blocked_senders.front(); t; t = m_blocked_senders.next(*t))
    if (t->wait().message && t->wait().message->handle_count() > 0) return true;
  return false;
}

void Port::enqueue(Message& message) {
  m_queue.push_back(message);
  if (m_queue.size() > stats_max_depth) stats_max_depth = static_cast<uint32_t>(m_queue.size());
}

void Port::dequeue(Message& message) { m_queue.remove(message); }

void Port::add_blocked_sender(Task& sender) { m_blocked_senders.push_back(sender); }
void Port::remove_blocked_sender(Task& sender) { m_blocked_senders.remove(sender); }
void Port::add_blocked_receiver(Task& receiver) { m_blocked_receivers.push_back(receiver); }
void Port::remove_blocked_receiver(Task& receiver) { m_blocked_receivers.remove(receiver); }

void Port::kill() {
  if (m_dead) return;
  m_dead = true;
  Kernel& k = kernel();
  // Queued messages are destroyed (later, by Kernel::flush_discarded, so that the ports
  // whose rights they carry die iteratively, not by recursion). A SYNC sender still waiting
  // on its queued message learns that the port died.
  while (Message* m = m_queue.pop_front()) {
    if (Task* sender = m->m_blocked_sender) {
      m->m_blocked_sender = nullptr;
      sender->wait().message = nullptr;
      k.wake(*sender, HB_ERR_PEER_CLOSED);  // DOC: owner-death-wakes-senders
    }
    k.discard(m);
  }
  while (Task* sender = m_blocked_senders.front()) {
    remove_blocked_sender(*sender);
    Message* m = sender->wait().message;
    sender->wait().message = nullptr;
    m->m_blocked_sender = nullptr;
    k.discard(m);
    k.wake(*sender, HB_ERR_PEER_CLOSED);
  }
  wake_receivers_if_closed();
}

void Port::wake_receivers_if_closed() {
  if (!no_more_messages()) return;
  while (Task* receiver = m_blocked_receivers.front()) {
    remove_blocked_receiver(*receiver);
    kernel().wake(*receiver, HB_ERR_PEER_CLOSED);  // DOC: last-sender-gone-is-eof
  }
}

void Port::on_capability_added(uint32_t rights) {
  ++m_all_rights;
  if (rights & HB_RIGHT_SEND) ++m_send_rights;
  if (rights & HB_RIGHT_RECV) ++m_recv_rights;
}

void Port::on_capability_removed(uint32_t rights) {
  KASSERT(m_all_rights > 0, "port capability count");
  --m_all_rights;
  if (rights & HB_RIGHT_SEND) {
    KASSERT(m_send_rights > 0, "port send right count");
    if (--m_send_rights == 0) wake_receivers_if_closed();
  }
  if (rights & HB_RIGHT_RECV) {
    KASSERT(m_recv_rights > 0, "port receive right count");
    --m_recv_rights;
    // The owner let go of the receive right: nobody can ever receive again.
    if (m_recv_rights == 0 && !(m_flags & HB_PORT_SYSTEM)) kill();
  }
  // A SYSTEM port belongs to the kernel: it lives while any handle to it lives...
  if (m_all_rights == 0 && (m_flags & HB_PORT_SYSTEM)) kill();
  kill_if_unreachable_system_port();
}

void Port::on_capability_in_transit(bool entering, uint32_t rights) {
  if (entering) {
    ++m_all_in_transit;
    if (rights & HB_RIGHT_RECV) ++m_recv_in_transit;
  } else {
    KASSERT(m_all_in_transit > 0, "port capabilities in transit");
    --m_all_in_transit;
    if (rights & HB_RIGHT_RECV) --m_recv_in_transit;
  }
  kill_if_unreachable_system_port();
}

void Port::kill_if_unreachable_system_port() {
  // ... unless only messages still hold it and nobody could ever receive from it: then its
  // own queue (or another dead-end queue) would keep it alive for ever.
  // DOC: system-port-garbage
  if ((m_flags & HB_PORT_SYSTEM) && !m_dead && m_recv_rights == 0 &&
      m_all_rights == m_all_in_transit)
    kill();
}

}  // namespace kernel
