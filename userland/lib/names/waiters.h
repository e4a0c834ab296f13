// userland/lib/names/waiters.h - lookups waiting for a name to appear.
//
// hb_name_lookup with a timeout is an hb_call the server does not answer at once: it keeps
// the caller's reply capability here and answers when the name is registered (server.cc,
// answer_waiters) or when the deadline passes (expire). The server's receive loop waits at
// most until the earliest deadline, and forever when no lookup waits with one: an idle
// service costs nothing (no periodic timer).
//
// At most kMaxWaiters at once (a fixed array; HB_ERR_NO_MEMORY to the next one): every
// waiter is a handle the server holds. A linear scan is fine at this size.
#pragma once

#include <harbor/sys.h>

namespace harbor::names {

constexpr uint32_t kMaxWaiters = 256;
constexpr uint64_t kNoDeadline = ~0ull;  // waits until the name appears

struct Waiter {
  char name[64];       // NUL-padded
  uint32_t length;
  uint32_t hash;
  uint32_t rights;     // what the lookup asked for
  hb_handle_t reply;   // the caller's reply capability
  uint64_t deadline;   // hb_clock_ns() value, or kNoDeadline
  bool used;
};

class Waiters {
 public:
  // Records a waiter; nullptr when kMaxWaiters wait already.
  Waiter* add(const char* name, uint32_t length, uint32_t hash, uint32_t rights,
              hb_handle_t reply, uint64_t deadline);
  void remove(Waiter& w);
  // The earliest deadline of any waiter, or kNoDeadline.
  uint64_t earliest() const;

  uint32_t size() const { return m_size; }
  Waiter& at(uint32_t i) { return m_waiters[i]; }
  static constexpr uint32_t capacity() { return kMaxWaiters; }

 private:
  Waiter m_waiters[kMaxWaiters]{};
  uint32_t m_size{0};
};

// now + timeout without wrapping; HB_FOREVER (and anything that would pass the end of
// time) is kNoDeadline.
inline uint64_t deadline_after(uint64_t now, hb_time_t timeout) {
  if (timeout == HB_FOREVER || timeout >= kNoDeadline - now) return kNoDeadline;
  return now + timeout;
}

}  // namespace harbor::names
