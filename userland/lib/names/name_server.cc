// userland/lib/names/name_server.cc - see name_server.h. The numbers (1)-(3) are its steps.
#include "name_server.h"

#include <harbor/names.h>
#include <string.h>

#include "name_rules.h"
#include "protocol.h"

namespace harbor::names {
namespace {

constexpr uint32_t kTravel = HB_RIGHT_DUP | HB_RIGHT_TRANSFER;  // what a stored copy needs
// What hb_region_open may hand out: never MANAGE (revoke is for whoever made the region).
constexpr uint32_t kRegionRights =
    HB_RIGHT_READ | HB_RIGHT_WRITE | HB_RIGHT_MAP | HB_RIGHT_DUP | HB_RIGHT_TRANSFER;

// The name field of a request: a valid name, then NUL bytes only (nothing hidden after it).
int32_t name_in(const uint8_t* field) {
  int32_t length = hb_names_name_length(field, HB_NAMES_NAME_FIELD);
  if (length < 0) return -1;
  for (uint32_t i = static_cast<uint32_t>(length); i < HB_NAMES_NAME_FIELD; ++i)
    if (field[i] != 0) return -1;
  return length;
}

bool info_of(hb_handle_t h, hb_handle_info_t* info) { return hb_handle_info(h, info) == HB_OK; }

bool port_dead(hb_handle_t h) {
  hb_handle_info_t info{};
  if (!info_of(h, &info)) return true;  // cannot happen for a handle we hold; treat as gone
  return info.type == HB_OBJ_PORT && (info.flags & HB_INFO_PEER_CLOSED) != 0;
}

}  // namespace

void NameServer::close_handle(hb_handle_t h) {
  if (h != HB_INVALID) hb_handle_close(h);
}

// ---- the request --------------------------------------------------------------------------

Answer NameServer::handle(const hb_msg_in& in, const uint8_t* data, const hb_handle_t* handles,
                          uint64_t now) {
  Answer answer;
  uint32_t count = in.handle_count;
  if (in.reply == HB_INVALID) {  // a plain send: nobody to answer; take nothing from it
    for (uint32_t i = 0; i < count; ++i) close_handle(handles[i]);
    return answer;
  }
  answer.reply = in.reply;
  uint32_t op = in.len >= 4 ? hb_names_get_u32(data) : 0;
  switch (op) {
    case HB_NAMES_OP_REGISTER:
      answer.status = do_register(in.sender, data, in.len, handles, count);
      return answer;
    case HB_NAMES_OP_OPEN:
      answer = do_open(data, in.len, handles, count);
      answer.reply = in.reply;
      return answer;
    default:
      break;
  }
  // The other operations carry no handles: whatever came is closed.
  for (uint32_t i = 0; i < count; ++i) close_handle(handles[i]);
  if (count != 0) {
    answer.status = HB_ERR_INVALID_ARG;
  } else if (op == HB_NAMES_OP_LOOKUP) {
    answer = do_lookup(in, data, now);
  } else if (op == HB_NAMES_OP_UNREGISTER) {
    answer.status = do_unregister(in.sender, data, in.len);
  } else if (op == HB_NAMES_OP_STATS && in.len == HB_NAMES_STATS_LEN &&
             hb_names_get_u32(data + 4) == 0) {
    answer.with_stats = true;
    answer.stats[0] = m_names.size();
    answer.stats[1] = m_registrants.size();
    answer.stats[2] = m_waiters.size();
    answer.stats[3] = m_held;
  } else {
    answer.status = HB_ERR_INVALID_ARG;  // unknown operation, or not even 4 bytes
  }
  return answer;
}

// ---- register -------------------------------------------------------------------------------

hb_status_t NameServer::do_register(hb_task_id_t sender, const uint8_t* data, uint32_t len,
                                    const hb_handle_t* handles, uint32_t count) {
  // Until the name is stored, every handle that came is closed on the way out.
  hb_handle_t object = count >= 1 ? handles[0] : HB_INVALID;
  hb_handle_t lifeline = count == 2 ? handles[1] : HB_INVALID;
  auto refuse = [&](hb_status_t status) {
    for (uint32_t i = 0; i < count; ++i) close_handle(handles[i]);
    return status;
  };
  if (len != HB_NAMES_REGISTER_LEN || count < 1 || count > 2 || hb_names_get_u32(data + 4) != 0)
    return refuse(HB_ERR_INVALID_ARG);
  const char* name = reinterpret_cast<const char*>(data + HB_NAMES_REGISTER_NAME);
  int32_t length = name_in(data + HB_NAMES_REGISTER_NAME);
  if (length < 0) return refuse(HB_ERR_INVALID_ARG);

  hb_handle_info_t info{};
  if (!info_of(object, &info)) return refuse(HB_ERR_INVALID_ARG);
  if ((info.rights & kTravel) != kTravel) return refuse(HB_ERR_ACCESS);
  if (info.type == HB_OBJ_PORT && (info.flags & HB_INFO_PEER_CLOSED)) return refuse(HB_ERR_PEER_CLOSED);

  if (lifeline != HB_INVALID) {  // a lifeline must be a live send right to a port
    hb_handle_info_t l{};
    if (!info_of(lifeline, &l) || l.type != HB_OBJ_PORT || !(l.rights & HB_RIGHT_SEND) ||
        (l.flags & HB_INFO_PEER_CLOSED))
      return refuse(HB_ERR_INVALID_ARG);
  }
  if (m_registrants.find(sender) == kNoRegistrant && lifeline == HB_INVALID)
    return refuse(HB_NAMES_NEED_LIFELINE);

  uint32_t existing = m_names.find(name, static_cast<uint32_t>(length));
  if (existing != kNoEntry && alive(existing)) return refuse(HB_ERR_ALREADY_EXISTS);
  // Looked up again: alive() drops dead owners, and the sender's own record goes too if it
  // closed its lifeline port itself.
  uint16_t owner = m_registrants.find(sender);
  if (owner != kNoRegistrant && m_registrants.at(owner).names >= HB_NAMES_PER_TASK)
    return refuse(HB_ERR_NO_MEMORY);
  uint32_t needed = owner == kNoRegistrant ? 2 : 1;
  if (m_held + needed > kHandleBudget || m_names.size() >= kMaxNames) {
    sweep_all();
    owner = m_registrants.find(sender);
    needed = owner == kNoRegistrant ? 2 : 1;
    if (m_held + needed > kHandleBudget || m_names.size() >= kMaxNames)
      return refuse(HB_ERR_NO_MEMORY);
  }
  if (owner == kNoRegistrant) {
    if (lifeline == HB_INVALID) return refuse(HB_NAMES_NEED_LIFELINE);  // sweep_all dropped it
    owner = m_registrants.add(sender, lifeline);
    if (owner == kNoRegistrant) {
      sweep_all();
      owner = m_registrants.add(sender, lifeline);
      if (owner == kNoRegistrant) return refuse(HB_ERR_NO_MEMORY);
    }
    ++m_held;
  } else {
    close_handle(lifeline);  // we hold one of this task's already
  }
  uint32_t entry = m_names.add(name, static_cast<uint32_t>(length), Kind::Registered, owner,
                               object, HB_INVALID, info.type, info.rights);
  // Cannot fail: size < kMaxNames was checked. Keep the invariant visible anyway.
  if (entry == kNoEntry) {
    close_handle(object);
    return HB_ERR_NO_MEMORY;
  }
  ++m_held;
  ++m_registrants.at(owner).names;
  answer_waiters(entry);
  return HB_OK;
}

// ---- lookup ---------------------------------------------------------------------------------

Answer NameServer::do_lookup(const hb_msg_in& in, const uint8_t* data, uint64_t now) {
  Answer answer;
  answer.reply = in.reply;
  if (in.len != HB_NAMES_LOOKUP_LEN) {
    answer.status = HB_ERR_INVALID_ARG;
    return answer;
  }
  uint32_t rights = hb_names_get_u32(data + 4);
  hb_time_t timeout = hb_names_get_u64(data + 8);
  const char* name = reinterpret_cast<const char*>(data + HB_NAMES_LOOKUP_NAME);
  int32_t length = name_in(data + HB_NAMES_LOOKUP_NAME);
  if (length < 0 || (rights != HB_RIGHTS_SAME && (rights & ~HB_RIGHTS_ALL))) {
    answer.status = HB_ERR_INVALID_ARG;
    return answer;
  }
  uint32_t entry = m_names.find(name, static_cast<uint32_t>(length));
  if (entry != kNoEntry && alive(entry)) {
    answer.status = grant(m_names.at(entry), rights, &answer.handles[0]);
    answer.count = answer.status == HB_OK ? 1 : 0;
    return answer;
  }
  if (timeout == HB_NOWAIT) {
    answer.status = HB_ERR_NOT_FOUND;
    return answer;
  }
  // Not there yet: keep the reply capability and answer later (answer_waiters, expire).
  // DOC: names-waiting-lookup
  if (m_waiters.size() == m_waiters.capacity() || m_held + 1 > kHandleBudget) {
    // A waiter whose caller is gone (its reply capability says so) frees its place.
    for (uint32_t i = 0; i < m_waiters.capacity(); ++i) {
      Waiter& w = m_waiters.at(i);
      hb_handle_info_t info{};
      if (w.used && (!info_of(w.reply, &info) || (info.flags & HB_INFO_PEER_CLOSED))) {
        close_handle(w.reply);
        m_waiters.remove(w);
        --m_held;
      }
    }
  }
  Waiter* w = m_held + 1 > kHandleBudget
                  ? nullptr
                  : m_waiters.add(name, static_cast<uint32_t>(length),
                                  hash_name(name, static_cast<uint32_t>(length)), rights,
                                  in.reply, deadline_after(now, timeout));
  if (w == nullptr) {
    answer.status = HB_ERR_NO_MEMORY;
    return answer;
  }
  ++m_held;
  answer.reply = HB_INVALID;  // answered later
  return answer;
}

// ---- unregister -----------------------------------------------------------------------------

hb_status_t NameServer::do_unregister(hb_task_id_t sender, const uint8_t* data, uint32_t len) {
  if (len != HB_NAMES_UNREGISTER_LEN || hb_names_get_u32(data + 4) != 0) return HB_ERR_INVALID_ARG;
  const char* name = reinterpret_cast<const char*>(data + HB_NAMES_UNREGISTER_NAME);
  int32_t length = name_in(data + HB_NAMES_UNREGISTER_NAME);
  if (length < 0) return HB_ERR_INVALID_ARG;
  uint32_t entry = m_names.find(name, static_cast<uint32_t>(length));
  if (entry == kNoEntry || !alive(entry)) return HB_ERR_NOT_FOUND;
  const Entry& e = m_names.at(entry);
  // Only the owner removes its name; OS-owned names (mailboxes, regions) anyone: shm_unlink.
  if (e.kind == Kind::Registered && m_registrants.at(e.owner).task != sender) return HB_ERR_ACCESS;
  drop_name(entry);
  return HB_OK;
}

// ---- open (mailbox, region) -----------------------------------------------------------------

Answer NameServer::do_open(const uint8_t* data, uint32_t len, const hb_handle_t* handles,
                           uint32_t count) {
  Answer answer;
  auto refuse = [&](hb_status_t status) {
    for (uint32_t i = 0; i < count; ++i) close_handle(handles[i]);
    answer.status = status;
    answer.count = 0;
    return answer;
  };
  if (len != HB_NAMES_OPEN_LEN || hb_names_get_u32(data + 12) != 0)
    return refuse(HB_ERR_INVALID_ARG);
  uint32_t kind = hb_names_get_u32(data + 4);
  uint32_t rights = hb_names_get_u32(data + 8);
  uint32_t made = kind == HB_NAMES_KIND_MAILBOX ? 2 : kind == HB_NAMES_KIND_REGION ? 1 : 0;
  if (made == 0 || (count != 0 && count != made)) return refuse(HB_ERR_INVALID_ARG);
  const char* name = reinterpret_cast<const char*>(data + HB_NAMES_OPEN_NAME);
  int32_t length = name_in(data + HB_NAMES_OPEN_NAME);
  if (length < 0) return refuse(HB_ERR_INVALID_ARG);

  uint32_t entry = m_names.find(name, static_cast<uint32_t>(length));
  if (entry != kNoEntry && alive(entry)) {
    // It exists (perhaps another task made it a moment ago): what this one made is not
    // needed. Two tasks opening a new name at once end up with the same object.
    // DOC: names-open-race
    for (uint32_t i = 0; i < count; ++i) close_handle(handles[i]);
    return grant_open(m_names.at(entry), kind, rights);
  }
  if (count == 0) return refuse(HB_ERR_NOT_FOUND);  // the client creates it, and asks again

  // Check what the client made: it will be handed to every later opener.
  hb_handle_info_t first{}, second{};
  if (!info_of(handles[0], &first)) return refuse(HB_ERR_INVALID_ARG);
  if (kind == HB_NAMES_KIND_MAILBOX) {
    if (!info_of(handles[1], &second) || first.type != HB_OBJ_PORT ||
        second.type != HB_OBJ_PORT ||
        (first.rights & (HB_RIGHT_SEND | kTravel)) != (HB_RIGHT_SEND | kTravel) ||
        (second.rights & (HB_RIGHT_RECV | kTravel)) != (HB_RIGHT_RECV | kTravel) ||
        (first.flags & HB_INFO_PEER_CLOSED))
      return refuse(HB_ERR_INVALID_ARG);
  } else if (first.type != HB_OBJ_REGION || (first.rights & kRegionRights) != kRegionRights) {
    return refuse(HB_ERR_INVALID_ARG);
  }
  if (m_held + made > kHandleBudget || m_names.size() >= kMaxNames) {
    sweep_all();
    if (m_held + made > kHandleBudget || m_names.size() >= kMaxNames)
      return refuse(HB_ERR_NO_MEMORY);
  }
  entry = m_names.add(name, static_cast<uint32_t>(length),
                      kind == HB_NAMES_KIND_MAILBOX ? Kind::Mailbox : Kind::Region, kOsOwned,
                      handles[0], made == 2 ? handles[1] : HB_INVALID, first.type, first.rights);
  if (entry == kNoEntry) return refuse(HB_ERR_NO_MEMORY);
  m_held += made;
  answer_waiters(entry);
  return grant_open(m_names.at(entry), kind, rights);
}

Answer NameServer::grant_open(const Entry& e, uint32_t kind, uint32_t rights) {
  Answer answer;
  if (kind == HB_NAMES_KIND_MAILBOX) {
    if (e.kind != Kind::Mailbox) {
      answer.status = HB_ERR_WRONG_TYPE;
      return answer;
    }
    answer.status = hb_handle_dup(e.handle, HB_RIGHTS_SAME, &answer.handles[0]);
    if (answer.status == HB_OK) {
      answer.status = hb_handle_dup(e.second, HB_RIGHTS_SAME, &answer.handles[1]);
      if (answer.status != HB_OK) close_handle(answer.handles[0]);
    }
    answer.count = answer.status == HB_OK ? 2 : 0;
    return answer;
  }
  if (e.type != HB_OBJ_REGION) {
    answer.status = HB_ERR_WRONG_TYPE;
    return answer;
  }
  if (rights == HB_RIGHTS_SAME) rights = kRegionRights & e.rights;
  if (rights & ~kRegionRights) {
    answer.status = HB_ERR_ACCESS;
    return answer;
  }
  answer.status = grant(e, rights, &answer.handles[0]);
  answer.count = answer.status == HB_OK ? 1 : 0;
  return answer;
}

hb_status_t NameServer::grant(const Entry& e, uint32_t rights, hb_handle_t* out) {
  if (rights == HB_RIGHTS_SAME) return hb_handle_dup(e.handle, HB_RIGHTS_SAME, out);
  if ((rights & e.rights) != rights) return HB_ERR_ACCESS;  // only ever fewer rights
  return hb_handle_dup(e.handle, rights | kTravel, out);    // the client drops the extra two
}

// ---- waiting lookups ------------------------------------------------------------------------

void NameServer::answer_waiters(uint32_t entry) {
  const Entry& e = m_names.at(entry);
  if (m_waiters.size() == 0) return;
  for (uint32_t i = 0; i < m_waiters.capacity(); ++i) {
    Waiter& w = m_waiters.at(i);
    if (!w.used || w.hash != e.hash || w.length != e.length ||
        memcmp(w.name, e.name, e.length) != 0)
      continue;
    uint8_t bytes[HB_NAMES_REPLY_LEN] = {};
    hb_handle_t granted = HB_INVALID;
    hb_status_t status = grant(e, w.rights, &granted);
    hb_names_put_u32(bytes, static_cast<uint32_t>(status));
    hb_msg_out out{bytes, sizeof bytes, status == HB_OK ? 1u : 0u, &granted};
    if (hb_reply(w.reply, &out) != HB_OK) {  // the caller gave up or died
      close_handle(granted);
      close_handle(w.reply);  // kept when the error was ours; BAD_HANDLE when consumed
    }
    m_waiters.remove(w);
    --m_held;
  }
}

void NameServer::expire(uint64_t now) {
  if (m_waiters.size() == 0 || m_waiters.earliest() > now) return;
  for (uint32_t i = 0; i < m_waiters.capacity(); ++i) {
    Waiter& w = m_waiters.at(i);
    if (!w.used || w.deadline > now) continue;
    uint8_t bytes[HB_NAMES_REPLY_LEN] = {};
    hb_names_put_u32(bytes, static_cast<uint32_t>(HB_ERR_TIMED_OUT));
    hb_msg_out out{bytes, sizeof bytes, 0, nullptr};
    if (hb_reply(w.reply, &out) != HB_OK) close_handle(w.reply);
    m_waiters.remove(w);
    --m_held;
  }
}

// ---- names that vanish: (1) (2) (3) ---------------------------------------------------------

bool NameServer::lifeline_dead(const Registrant& r) const {
  hb_handle_info_t info{};
  return !info_of(r.lifeline, &info) || (info.flags & HB_INFO_PEER_CLOSED) != 0;
}

bool NameServer::alive(uint32_t entry) {  // DOC: names-lazy-purge
  Entry& e = m_names.at(entry);
  if (e.kind == Kind::Registered && lifeline_dead(m_registrants.at(e.owner))) {
    drop_owner(e.owner);  // (3)
    return false;
  }
  if (e.type == HB_OBJ_PORT && port_dead(e.handle)) {  // a port's name goes with the port
    drop_name(entry);
    return false;
  }
  return true;
}

void NameServer::drop_name(uint32_t entry) {
  Entry& e = m_names.at(entry);
  close_handle(e.handle);
  close_handle(e.second);
  m_held -= e.second != HB_INVALID ? 2 : 1;
  if (e.kind == Kind::Registered) --m_registrants.at(e.owner).names;
  m_names.remove(entry);
}

void NameServer::drop_owner(uint16_t owner) {
  Registrant& r = m_registrants.at(owner);
  for (uint32_t i = 0; i < m_names.high_water() && r.names > 0; ++i) {
    const Entry& e = m_names.at(i);
    if (e.used && e.kind == Kind::Registered && e.owner == owner) drop_name(i);
  }
  close_handle(r.lifeline);
  --m_held;
  m_registrants.remove(owner);
}

void NameServer::sweep(uint32_t names) {
  for (uint32_t n = 0; n < names && m_names.size() > 0; ++n) {  // (2)
    if (m_sweep_name >= m_names.high_water()) m_sweep_name = 0;
    uint32_t i = m_sweep_name++;
    if (m_names.at(i).used) alive(i);
  }
  if (m_registrants.size() > 0) {
    if (m_sweep_owner >= m_registrants.high_water()) m_sweep_owner = 0;
    uint16_t r = static_cast<uint16_t>(m_sweep_owner++);
    if (m_registrants.at(r).used && lifeline_dead(m_registrants.at(r))) drop_owner(r);
  }
}

void NameServer::sweep_all() {
  for (uint32_t i = 0; i < m_registrants.high_water(); ++i) {
    Registrant& r = m_registrants.at(static_cast<uint16_t>(i));
    // A live owner without names gives its place back too; its next register sends a new
    // lifeline (HB_NAMES_NEED_LIFELINE).
    if (r.used && (r.names == 0 || lifeline_dead(r))) drop_owner(static_cast<uint16_t>(i));
  }
  for (uint32_t i = 0; i < m_names.high_water(); ++i)
    if (m_names.at(i).used) alive(i);
}

}  // namespace harbor::names
