// userland/lib/names/waiters.cc - see waiters.h.
#include "waiters.h"

#include <string.h>

namespace harbor::names {

Waiter* Waiters::add(const char* name, uint32_t length, uint32_t hash, uint32_t rights,
                     hb_handle_t reply, uint64_t deadline) {
  if (length == 0 || length >= sizeof(Waiter::name)) return nullptr;
  for (Waiter& w : m_waiters) {
    if (w.used) continue;
    memset(w.name, 0, sizeof w.name);
    memcpy(w.name, name, length);
    w.length = length;
    w.hash = hash;
    w.rights = rights;
    w.reply = reply;
    w.deadline = deadline;
    w.used = true;
    ++m_size;
    return &w;
  }
  return nullptr;
}

void Waiters::remove(Waiter& w) {
  if (!w.used) return;
  w.used = false;
  w.reply = HB_INVALID;
  --m_size;
}

uint64_t Waiters::earliest() const {
  uint64_t earliest = kNoDeadline;
  if (m_size == 0) return earliest;
  for (const Waiter& w : m_waiters)
    if (w.used && w.deadline < earliest) earliest = w.deadline;
  return earliest;
}

}  // namespace harbor::names
