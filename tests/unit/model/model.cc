// tests/unit/model/model.cc - the reference model (see model.h). Each function says which
// rule of SPEC 2-3 (or docs/design.md) it follows; none of it looks at kernel code.
#include "model/model.h"

#include <harbor/sys.h>

#include <algorithm>
#include <stdexcept>

namespace harbor::model {

namespace {
template <typename T>
void erase_value(std::deque<T>& q, const T& v) {
  q.erase(std::find(q.begin(), q.end(), v));
}
template <typename T>
bool contains(const std::deque<T>& q, const T& v) {
  return std::find(q.begin(), q.end(), v) != q.end();
}
}  // namespace

// ---- tasks and handles -----------------------------------------------------------------

void Model::add_task(TaskId id, uint64_t start_serial, uint32_t start_len) {
  Task& t = m_tasks[id];
  m_live.push_back(id);
  Port inbox;
  inbox.mode = HB_PORT_BOUNDED;
  inbox.capacity = m_config.inbox_capacity;
  inbox.inbox = true;
  m_ports.push_back(inbox);
  t.inbox = static_cast<int>(m_ports.size()) - 1;
  Handle h = add_cap(t, Cap{t.inbox, HB_RIGHT_RECV, 0});  // HB_INBOX: receive only
  t.handles.erase(h);
  t.handles[HB_INBOX] = Cap{t.inbox, HB_RIGHT_RECV, 0};
  // The start message: from "the kernel" (task 0), charged to the new task.
  Message m;
  m.serial = start_serial;
  m.len = start_len;
  m.sender = 0;
  m.charged = id;
  m.committed = true;
  t.charged += charge(start_len);
  int mid = m_next_message++;
  m_messages[mid] = m;
  m_ports[t.inbox].queue.push_back(mid);
}

uint32_t Model::free_slots(const Task& t) const {
  return m_config.handle_slots - 1 - static_cast<uint32_t>(t.handles.size());
}

int64_t Model::lookup(Task& t, Handle h, uint32_t rights, Cap** out) {
  auto it = t.handles.find(h);
  if (h <= 0 || it == t.handles.end()) return HB_ERR_BAD_HANDLE;
  if ((it->second.rights & rights) != rights) return HB_ERR_ACCESS;
  *out = &it->second;
  return HB_OK;
}

Handle Model::install(Task& t, const Cap& cap) {
  Handle h = m_next_placeholder--;
  t.handles[h] = cap;
  return h;
}

Handle Model::add_cap(Task& t, const Cap& cap) {
  Port& p = m_ports[cap.port];
  ++p.caps;
  if (cap.rights & HB_RIGHT_SEND) ++p.send_rights;
  if (cap.rights & HB_RIGHT_RECV) ++p.recv_rights;
  return install(t, cap);
}

// A capability is destroyed (closed, or inside a destroyed message). SPEC 2: the last send
// right gone means end-of-stream; the receive right gone means the port dies; with no
// capability left at all the port is freed and its creator's quota returned.
void Model::drop_cap(const Cap& cap) {
  Port& p = m_ports[cap.port];
  --p.caps;
  if (cap.rights & HB_RIGHT_SEND) {
    if (--p.send_rights == 0) wake_receivers_if_closed(cap.port);
  }
  if (cap.rights & HB_RIGHT_RECV) {
    if (--p.recv_rights == 0) kill_port(cap.port);
  }
  if (p.caps == 0) {
    m_ports[cap.port].destroyed = true;
    if (TaskId creator = m_ports[cap.port].creator) --task(creator).ports;
  }
}

bool Model::rename(TaskId id, Handle from, Handle to, std::string* error) {
  Task& t = task(id);
  auto it = t.handles.find(from);
  if (from >= 0 || it == t.handles.end()) {
    *error = "model: no placeholder " + std::to_string(from);
    return false;
  }
  if (to <= 0 || t.handles.count(to)) {
    *error = "the kernel gave task " + std::to_string(id) + " handle number " +
             std::to_string(to) + ", which is invalid or already names another live handle";
    return false;
  }
  t.handles[to] = it->second;
  t.handles.erase(it);
  return true;
}

// ---- blocking and waking -------------------------------------------------------------------

void Model::block(TaskId id, uint64_t timeout) {
  Task& t = task(id);
  t.deadline = (timeout == HB_FOREVER || timeout > UINT64_MAX - m_now) ? UINT64_MAX
                                                                         : m_now + timeout;
}

void Model::wake(TaskId id, int64_t result) {
  Task& t = task(id);
  if (m_out.resumed.count(id)) throw std::logic_error("model: a task woken twice in one step");
  t.wait = Wait::None;
  t.deadline = UINT64_MAX;
  t.port = t.message = -1;
  m_out.resumed[id] = result;
}

// A blocked task stops waiting without a result of its own (timeout, death): what it was
// doing is undone. A send's message is taken back (its handles never left); a SYNC message
// that was queued leaves the queue, and its slot may admit a blocked sender.
void Model::cancel_wait(TaskId id) {
  Task& t = task(id);
  if (t.wait == Wait::Send) {
    Port& p = m_ports[t.port];
    int mid = t.message;
    m_messages.at(mid).blocked_sender = 0;
    if (contains(p.queue, mid)) {
      erase_value(p.queue, mid);
      destroy(mid);
      admit_blocked_senders(t.port);
    } else {
      erase_value(p.senders, id);
      destroy(mid);
    }
  } else if (t.wait == Wait::Receive) {
    erase_value(m_ports[t.port].receivers, id);
  }
  t.wait = Wait::None;
  t.deadline = UINT64_MAX;
  t.port = t.message = -1;
}

// ---- messages -----------------------------------------------------------------------------

// Checks an outgoing message and makes it, charged to the sender (SPEC 2: queued bytes are
// the sender's quota). Nothing moves yet: the handles stay in the sender's table.
int64_t Model::prepare(Task& t, TaskId id, const SendArgs& a, int through, int* message_out) {
  if (a.len > HB_MSG_MAX || a.handles.size() > HB_MSG_HANDLES_MAX) return HB_ERR_TOO_BIG;
  for (size_t i = 0; i < a.handles.size(); ++i) {
    Cap* cap;
    int64_t found = lookup(t, a.handles[i], 0, &cap);
    if (found != HB_OK) return found;
    if (!(cap->rights & HB_RIGHT_TRANSFER)) return HB_ERR_ACCESS;
    for (size_t j = 0; j < i; ++j)
      if (a.handles[j] == a.handles[i]) return HB_ERR_INVALID_ARG;
    // A receive right never goes into its own port, nor into a port whose receive right
    // is itself inside a queued message: that is how cycles of unreachable ports would
    // close (docs/design.md, "Handles and rights").
    if ((cap->rights & HB_RIGHT_RECV) && through >= 0 &&
        (cap->port == through || receive_side_in_transit(m_ports[through])))
      return HB_ERR_INVALID_ARG;
  }
  uint64_t cost = charge(a.len);
  if (cost > m_config.queued_bytes_quota || t.charged > m_config.queued_bytes_quota - cost)
    return HB_ERR_NO_MEMORY;
  t.charged += cost;
  Message m;
  m.serial = a.serial;
  m.len = a.len;
  m.sender = id;
  m.charged = id;
  m.pending = a.handles;
  *message_out = m_next_message++;
  m_messages[*message_out] = m;
  return HB_OK;
}

// The send is certain to succeed: the handles leave the sender's table for the message.
// `queued`: the message waits in a queue, so its capabilities are "in transit" there.
void Model::commit(Message& m, bool queued) {
  if (m.committed) return;
  Task& s = task(m.sender);
  for (Handle h : m.pending) {
    m.caps.push_back(s.handles.at(h));
    s.handles.erase(h);
  }
  m.pending.clear();
  m.committed = true;
  m.in_transit = queued;
  if (queued) in_transit(m, +1);
}

// Receive rights riding in a queued message are counted by their port.
void Model::in_transit(const Message& m, int delta) {
  for (const Cap& cap : m.caps)
    if (cap.rights & HB_RIGHT_RECV) m_ports[cap.port].recv_in_transit += delta;
}

bool Model::carries_receive_right(const Message& m) const {
  if (m.committed) {
    for (const Cap& cap : m.caps)
      if (cap.rights & HB_RIGHT_RECV) return true;
    return false;
  }
  const Task& s = m_tasks.at(m.sender);
  for (Handle h : m.pending)
    if (s.handles.at(h).rights & HB_RIGHT_RECV) return true;
  return false;
}

void Model::destroy(int mid) {
  Message m = m_messages.at(mid);
  m_messages.erase(mid);
  task(m.charged).charged -= charge(m.len);
  if (m.in_transit) in_transit(m, -1);
  for (const Cap& cap : m.caps) drop_cap(cap);  // handles inside are closed
}

void Model::flush() {
  while (!m_discarded.empty()) {
    int mid = m_discarded.front();
    m_discarded.erase(m_discarded.begin());
    destroy(mid);
  }
}

// Copies a message out to a receiver: BUFFER_TOO_SMALL (it stays where it is; len and
// handle_count say what is needed), NO_MEMORY (no room for its handles), or delivered.
int64_t Model::deliver(TaskId rid, int mid) {
  Task& r = task(rid);
  Message& m = m_messages.at(mid);
  const RecvArgs& in = r.recv;
  if (m.len > in.cap || m.handle_count() > in.handle_cap) {
    m_out.too_small[rid] = {m.len, m.handle_count()};
    return HB_ERR_BUFFER_TOO_SMALL;
  }
  if (free_slots(r) < m.handle_count()) return HB_ERR_NO_MEMORY;
  commit(m, /*queued=*/false);  // straight from the sender's table to the receiver's
  if (m.in_transit) in_transit(m, -1);
  m.in_transit = false;
  Delivery d{m.serial, m.len, m.sender, m.badge, {}};
  for (const Cap& cap : m.caps) d.handles.push_back(install(r, cap));
  m.caps.clear();  // moved, not dropped
  m_out.deliveries[rid] = d;
  return HB_OK;
}

bool Model::has_room(const Port& p) const {
  if (p.dead) return false;
  if (p.mode == HB_PORT_RENDEZVOUS) return false;             // sender and receiver meet
  if (p.mode == HB_PORT_BOUNDED) return p.queue.size() < p.capacity;  // blocks when full
  return true;                                                // unbounded: quota limits it
}

bool Model::no_more_messages(const Port& p) const {
  if (p.dead) return true;
  if (p.inbox) return false;  // anyone may send to an inbox by task id
  return p.send_rights == 0 && p.queue.empty() && p.senders.empty();
}

void Model::wake_receivers_if_closed(int pid) {
  if (!no_more_messages(m_ports[pid])) return;
  while (!m_ports[pid].receivers.empty()) {
    TaskId r = m_ports[pid].receivers.front();
    m_ports[pid].receivers.pop_front();
    wake(r, HB_ERR_PEER_CLOSED);
  }
}

TaskId Model::first_waiting_receiver_for(const Port& p, TaskId sender) const {
  for (TaskId r : p.receivers) {
    const RecvArgs& in = m_tasks.at(r).recv;
    if (!(in.flags & HB_RECV_FROM) || in.from == sender) return r;
  }
  return 0;
}

// The oldest message a receive (from `from`, 0 = anyone) would take: queued ones first
// (they are older), then those of blocked senders.
int Model::first_message_from(const Port& p, TaskId from) const {
  for (int mid : p.queue)
    if (from == 0 || m_messages.at(mid).sender == from) return mid;
  for (TaskId s : p.senders)
    if (from == 0 || s == from) return m_tasks.at(s).message;
  return -1;
}

// The owner is gone: queued messages are destroyed (handles inside closed), blocked senders
// wake with PEER_CLOSED, and later sends fail the same way (SPEC 2).
void Model::kill_port(int pid) {
  Port& p = m_ports[pid];
  if (p.dead) return;
  p.dead = true;
  while (!m_ports[pid].queue.empty()) {
    int mid = m_ports[pid].queue.front();
    m_ports[pid].queue.pop_front();
    Message& m = m_messages.at(mid);
    if (TaskId s = m.blocked_sender) {  // a SYNC sender waiting on its queued message
      m.blocked_sender = 0;
      wake(s, HB_ERR_PEER_CLOSED);
    }
    discard(mid);
  }
  while (!m_ports[pid].senders.empty()) {
    TaskId s = m_ports[pid].senders.front();
    m_ports[pid].senders.pop_front();
    int mid = task(s).message;
    m_messages.at(mid).blocked_sender = 0;
    discard(mid);
    wake(s, HB_ERR_PEER_CLOSED);
  }
  wake_receivers_if_closed(pid);
}

void Model::admit_blocked_senders(int pid) {
  while (has_room(m_ports[pid]) && !m_ports[pid].senders.empty()) {
    TaskId s = m_ports[pid].senders.front();
    m_ports[pid].senders.pop_front();
    Task& st = task(s);
    Message& m = m_messages.at(st.message);
    if (receive_side_in_transit(m_ports[pid]) && carries_receive_right(m)) {
      // The port's receive right went into a message while this sender waited: queueing
      // its receive right now could close a cycle, so its send fails after all.
      int mid = st.message;
      m.blocked_sender = 0;
      destroy(mid);
      wake(s, HB_ERR_INVALID_ARG);
      continue;
    }
    m_ports[pid].queue.push_back(st.message);
    if (st.send_flags & HB_SEND_SYNC) continue;  // queued, but still waits for a receiver
    commit(m, /*queued=*/true);
    m.blocked_sender = 0;
    wake(s, HB_OK);
  }
}

// A message was delivered out of a port: it leaves, its waiting sender is done, a slot may
// have freed for a blocked sender, and this may have been the last message of the stream.
void Model::take_from_port(int pid, int mid) {
  Port& p = m_ports[pid];
  TaskId sender = m_messages.at(mid).blocked_sender;
  if (contains(p.queue, mid))
    erase_value(p.queue, mid);
  else
    erase_value(p.senders, sender);
  m_messages.at(mid).blocked_sender = 0;
  destroy(mid);
  if (sender) wake(sender, HB_OK);
  admit_blocked_senders(pid);
  wake_receivers_if_closed(pid);
}

// (a) a receiver waits: hand the message over; (b) the queue has room: queue it (SYNC:
// and wait until it is taken); (c) otherwise wait with it, or WOULD_BLOCK for HB_NOWAIT.
int64_t Model::send_message(TaskId sid, int pid, int mid, uint32_t flags, uint64_t timeout) {
  const bool sync = flags & HB_SEND_SYNC;
  while (TaskId r = first_waiting_receiver_for(m_ports[pid], sid)) {
    int64_t delivered = deliver(r, mid);
    erase_value(m_ports[pid].receivers, r);
    wake(r, delivered);
    if (delivered != HB_OK) continue;  // that receiver's buffer was wrong; try the next
    destroy(mid);
    return HB_OK;
  }
  Task& s = task(sid);
  if (has_room(m_ports[pid])) {
    if (sync && timeout == HB_NOWAIT) {
      destroy(mid);
      return HB_ERR_WOULD_BLOCK;
    }
    m_ports[pid].queue.push_back(mid);
    if (!sync) {
      commit(m_messages.at(mid), /*queued=*/true);
      return HB_OK;
    }
  } else {
    if (timeout == HB_NOWAIT) {
      destroy(mid);
      return HB_ERR_WOULD_BLOCK;
    }
    m_ports[pid].senders.push_back(sid);
  }
  s.wait = Wait::Send;
  s.port = pid;
  s.message = mid;
  s.send_flags = flags;
  m_messages.at(mid).blocked_sender = sid;
  block(sid, timeout);
  return kBlocked;
}

// ---- the operations -------------------------------------------------------------------------

Outcome Model::finish(int64_t ret) {
  flush();
  m_out.ret = ret;
  Outcome out = m_out;
  m_out = Outcome{};
  return out;
}

Outcome Model::port_create(TaskId id, uint32_t mode, uint32_t capacity, uint32_t flags) {
  Task& t = task(id);
  if (free_slots(t) < 2) return finish(HB_ERR_NO_MEMORY);
  bool ok = (mode == HB_PORT_RENDEZVOUS && capacity == 0) ||
            (mode == HB_PORT_BOUNDED && capacity >= 1 && capacity <= 65536) ||
            (mode == HB_PORT_UNBOUNDED && capacity == 0);
  if (!ok || flags != 0) return finish(HB_ERR_INVALID_ARG);  // (system ports not modelled)
  if (t.ports >= m_config.port_quota) return finish(HB_ERR_NO_MEMORY);
  Port p;
  p.mode = mode;
  p.capacity = capacity;
  p.creator = id;
  m_ports.push_back(p);
  int pid = static_cast<int>(m_ports.size()) - 1;
  ++t.ports;
  m_out.created.push_back(add_cap(t, Cap{pid, HB_RIGHT_RECV | HB_RIGHT_TRANSFER, 0}));
  m_out.created.push_back(
      add_cap(t, Cap{pid, HB_RIGHT_SEND | HB_RIGHT_DUP | HB_RIGHT_TRANSFER, 0}));
  return finish(HB_OK);
}

Outcome Model::send(TaskId id, Handle h, const SendArgs& a) {
  Task& t = task(id);
  Cap* cap;
  int64_t found = lookup(t, h, HB_RIGHT_SEND, &cap);
  if (found != HB_OK) return finish(found);
  if (a.flags & ~HB_SEND_SYNC) return finish(HB_ERR_INVALID_ARG);
  int pid = cap->port;
  uint64_t badge = cap->badge;
  if (m_ports[pid].dead) return finish(HB_ERR_PEER_CLOSED);
  int mid;
  int64_t prepared = prepare(t, id, a, pid, &mid);
  if (prepared != HB_OK) return finish(prepared);
  m_messages.at(mid).badge = badge;  // the receiver learns which right was used
  return finish(send_message(id, pid, mid, a.flags, a.timeout));
}

Outcome Model::send_task(TaskId id, TaskId target, const SendArgs& a) {
  Task& t = task(id);
  if (a.flags & ~HB_SEND_SYNC) return finish(HB_ERR_INVALID_ARG);
  if (!exists(target)) return finish(HB_ERR_NOT_FOUND);  // root tasks are reaped at exit
  int pid = task(target).inbox;
  int mid;
  int64_t prepared = prepare(t, id, a, pid, &mid);
  if (prepared != HB_OK) return finish(prepared);
  return finish(send_message(id, pid, mid, a.flags, a.timeout));
}

Outcome Model::recv(TaskId id, Handle h, const RecvArgs& a) {
  Task& t = task(id);
  Cap* cap;
  int64_t found = lookup(t, h, HB_RIGHT_RECV, &cap);
  if (found != HB_OK) return finish(found);
  if (a.flags & ~HB_RECV_FROM) return finish(HB_ERR_INVALID_ARG);
  if ((a.flags & HB_RECV_FROM) && a.from == 0) return finish(HB_ERR_INVALID_ARG);
  int pid = cap->port;
  t.recv = a;
  TaskId from = (a.flags & HB_RECV_FROM) ? a.from : 0;
  int mid = first_message_from(m_ports[pid], from);
  if (mid >= 0) {
    int64_t delivered = deliver(id, mid);
    if (delivered != HB_OK) return finish(delivered);
    take_from_port(pid, mid);
    return finish(HB_OK);
  }
  if (no_more_messages(m_ports[pid])) return finish(HB_ERR_PEER_CLOSED);
  if (a.timeout == HB_NOWAIT) return finish(HB_ERR_WOULD_BLOCK);  // the null message
  t.wait = Wait::Receive;
  t.port = pid;
  m_ports[pid].receivers.push_back(id);
  block(id, a.timeout);
  return finish(kBlocked);
}

Outcome Model::close(TaskId id, Handle h) {
  Task& t = task(id);
  Cap* cap;
  int64_t found = lookup(t, h, 0, &cap);
  if (found != HB_OK) return finish(found);
  if (h == HB_INBOX) return finish(HB_ERR_ACCESS);  // the inbox lives as long as its task
  Cap dropped = *cap;
  t.handles.erase(h);
  drop_cap(dropped);
  return finish(HB_OK);
}

Outcome Model::dup(TaskId id, Handle h, uint32_t rights) {
  Task& t = task(id);
  Cap* cap;
  int64_t found = lookup(t, h, 0, &cap);
  if (found != HB_OK) return finish(found);
  if (!(cap->rights & HB_RIGHT_DUP)) return finish(HB_ERR_ACCESS);
  if (rights == HB_RIGHTS_SAME) rights = cap->rights;
  if (rights & ~HB_RIGHTS_ALL) return finish(HB_ERR_INVALID_ARG);
  if ((rights & cap->rights) != rights) return finish(HB_ERR_ACCESS);  // only reduce
  if (free_slots(t) == 0) return finish(HB_ERR_NO_MEMORY);
  Cap copy{cap->port, rights, cap->badge};
  m_out.created.push_back(add_cap(t, copy));
  return finish(HB_OK);
}

Outcome Model::mint(TaskId id, Handle h, uint64_t badge) {
  Task& t = task(id);
  Cap* cap;
  int64_t found = lookup(t, h, HB_RIGHT_SEND | HB_RIGHT_DUP, &cap);
  if (found != HB_OK) return finish(found);
  if (badge == 0) return finish(HB_ERR_INVALID_ARG);
  if (cap->badge != 0) return finish(HB_ERR_ACCESS);  // cannot be re-minted
  if (free_slots(t) == 0) return finish(HB_ERR_NO_MEMORY);
  Cap minted{cap->port, cap->rights, badge};
  m_out.created.push_back(add_cap(t, minted));
  return finish(HB_OK);
}

// A task ends: what it waited for is undone, every handle it held is closed (its ports die,
// its inbox dies), and a root task is forgotten at once.
void Model::end_task(TaskId id) {
  Task& t = task(id);
  if (!t.alive) return;
  if (t.wait != Wait::None) cancel_wait(id);
  t.alive = false;
  m_live.erase(std::find(m_live.begin(), m_live.end(), id));
  std::map<Handle, Cap> held;
  held.swap(t.handles);
  for (const auto& [h, cap] : held) drop_cap(cap);
}

Outcome Model::exit(TaskId id) {
  end_task(id);
  return finish(kBlocked);
}

Outcome Model::kill(TaskId id) {
  end_task(id);
  return finish(HB_OK);
}

Outcome Model::advance(uint64_t ns) {
  m_now += ns;
  for (;;) {
    TaskId earliest = 0;
    uint64_t when = UINT64_MAX;
    for (TaskId id : m_live) {
      const Task& t = m_tasks.at(id);
      if (t.wait != Wait::None && t.deadline <= m_now && t.deadline < when) {
        when = t.deadline;
        earliest = id;
      }
    }
    if (!earliest) break;
    cancel_wait(earliest);
    wake(earliest, HB_ERR_TIMED_OUT);
  }
  return finish(HB_OK);
}

// ---- queries -----------------------------------------------------------------------------------

bool Model::exists(TaskId id) const {
  auto it = m_tasks.find(id);
  return it != m_tasks.end() && it->second.alive;
}
bool Model::blocked(TaskId id) const { return m_tasks.at(id).wait != Wait::None; }
const std::map<Handle, Cap>& Model::handles(TaskId id) const { return m_tasks.at(id).handles; }
uint64_t Model::charged_bytes(TaskId id) const { return m_tasks.at(id).charged; }
uint32_t Model::ports_charged(TaskId id) const { return m_tasks.at(id).ports; }
uint64_t Model::deadline(TaskId id) const { return m_tasks.at(id).deadline; }

Model::PortView Model::port(int id) const {
  const Port& p = m_ports.at(id);
  return PortView{p.dead, p.destroyed, static_cast<uint32_t>(p.queue.size()), p.send_rights};
}

std::vector<TaskId> Model::tasks() const { return m_live; }

}  // namespace harbor::model
