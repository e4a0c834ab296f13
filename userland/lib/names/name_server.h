// userland/lib/names/name_server.h - what the name server does with one request.
//
// server.cc receives; this decides and answers. State: the names (name_table.h), the tasks
// that own some and their lifelines (registrants.h), the lookups waiting for a name
// (waiters.h). All of it in static storage: the server allocates nothing, ever.
//
// Names vanish lazily (no timer, so an idle machine stays idle):
//   (1) a name found by a look-up, register, unregister or open is checked first: is its
//       owner's lifeline dead (the owner exited or was killed)? is its port dead?
//   (2) each request also checks a few more names and one more owner (sweep), so a dead
//       owner's names go even when nobody asks for them;
//   (3) an owner found dead loses all its names at once.
//
// Handles the server holds: one per name (two for a mailbox), one lifeline per owner, one
// reply capability per waiting lookup. held() counts them; requests that would pass
// kHandleBudget get HB_ERR_NO_MEMORY, so that there is always room in the server's handle
// table for the handles of the next request (up to HB_MSG_HANDLES_MAX), or it could not
// even receive it.
#pragma once

#include <harbor/sys.h>

#include "name_table.h"
#include "registrants.h"
#include "waiters.h"

namespace harbor::names {

// The bootstrap gives the server task a handle quota of at least 20 000.
constexpr uint32_t kHandleBudget = 20000 - 64;

// What to send back for one request. reply == HB_INVALID: nothing now (a waiting lookup, or
// a request that came without a reply capability).
struct Answer {
  hb_handle_t reply{HB_INVALID};
  hb_status_t status{HB_OK};
  hb_handle_t handles[2]{HB_INVALID, HB_INVALID};  // moved with the reply
  uint32_t count{0};
  uint32_t stats[4]{};  // HB_NAMES_OP_STATS: names, owners, waiters, held
  bool with_stats{false};
};

class NameServer {
 public:
  // One received request: `in` as hb_recv filled it, its bytes and handles. Every handle
  // that arrived is either stored or closed before this returns (or travels in the answer).
  Answer handle(const hb_msg_in& in, const uint8_t* data, const hb_handle_t* handles,
                uint64_t now);
  // Answers HB_ERR_TIMED_OUT to every waiting lookup whose deadline is <= now.
  void expire(uint64_t now);
  // The earliest deadline of a waiting lookup (kNoDeadline: none).
  uint64_t earliest_deadline() const { return m_waiters.earliest(); }
  // (2): checks up to `names` names and one owner.
  void sweep(uint32_t names);
  // Every name and owner checked, owners without names dropped (when a table is full).
  void sweep_all();

  uint32_t held() const { return m_held; }
  uint32_t name_count() const { return m_names.size(); }
  uint32_t owner_count() const { return m_registrants.size(); }
  uint32_t waiter_count() const { return m_waiters.size(); }

 private:
  hb_status_t do_register(hb_task_id_t sender, const uint8_t* data, uint32_t len,
                          const hb_handle_t* handles, uint32_t count);
  Answer do_lookup(const hb_msg_in& in, const uint8_t* data, uint64_t now);
  hb_status_t do_unregister(hb_task_id_t sender, const uint8_t* data, uint32_t len);
  Answer do_open(const uint8_t* data, uint32_t len, const hb_handle_t* handles,
                 uint32_t count);

  // (1): false (and the name removed) if its owner or its port is dead.
  bool alive(uint32_t entry);
  bool lifeline_dead(const Registrant& r) const;
  // (3): every name of owner `r`, its lifeline and its record.
  void drop_owner(uint16_t r);
  void drop_name(uint32_t entry);
  // A handle to entry's object with `rights` (+ DUP|TRANSFER for the trip) in *out.
  hb_status_t grant(const Entry& e, uint32_t rights, hb_handle_t* out);
  Answer grant_open(const Entry& e, uint32_t kind, uint32_t rights);
  void answer_waiters(uint32_t entry);
  void close_handle(hb_handle_t h);

  NameTable m_names{};
  Registrants m_registrants{};
  Waiters m_waiters{};
  uint32_t m_held{0};
  uint32_t m_sweep_name{0};
  uint32_t m_sweep_owner{0};
};

}  // namespace harbor::names
