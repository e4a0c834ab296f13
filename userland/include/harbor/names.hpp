// harbor/names.hpp - the name service (harbor/names.h) in the style of harbor/ipc.hpp:
// Result<Handle> instead of out-parameters, handles that close themselves.
//
//   auto port = harbor::Port::create(HB_PORT_BOUNDED, 8);
//   harbor::names::register_name("echo", port->send);          // the service keeps a copy
//   auto echo = harbor::names::lookup("echo", HB_RIGHT_SEND, HB_FOREVER);
//   if (!echo) return echo.error();                              // e.g. HB_ERR_TIMED_OUT
//   harbor::send(*echo, harbor::as_bytes("ping"));
//
// Every function returns what its C call returns (docs/names.md lists every error).
#pragma once

#include <harbor/ipc.hpp>
#include <harbor/names.h>

namespace harbor::names {

// hb_name_register: `handle` stays the caller's; the service stores a copy.
inline Status register_name(const char* name, const Handle& handle) {
  return Status(hb_name_register(name, handle.get()));
}

// hb_name_lookup: a new handle with exactly `rights`, waiting up to `timeout` for the name.
inline Result<Handle> lookup(const char* name, uint32_t rights = HB_RIGHTS_SAME,
                             hb_time_t timeout = HB_NOWAIT) {
  hb_handle_t out = HB_INVALID;
  hb_status_t s = hb_name_lookup(name, rights, timeout, &out);
  if (s != HB_OK) return Result<Handle>::error_of(s);
  return Handle(out);
}

inline Status unregister(const char* name) { return Status(hb_name_unregister(name)); }

// hb_mailbox_open with both ends (Port::recv may be shared by several tasks).
inline Result<Port> mailbox_open(const char* name, uint32_t mode = HB_PORT_BOUNDED,
                                 uint32_t capacity = 8) {
  hb_handle_t recv = HB_INVALID, send = HB_INVALID;
  hb_status_t s = hb_mailbox_open(name, mode, capacity, &recv, &send);
  if (s != HB_OK) return Result<Port>::error_of(s);
  return Port{Handle(recv), Handle(send)};
}

// hb_region_open: size 0 opens only.
inline Result<Handle> region_open(const char* name, uint64_t size,
                                  uint32_t rights = HB_RIGHTS_SAME) {
  hb_handle_t out = HB_INVALID;
  hb_status_t s = hb_region_open(name, size, rights, &out);
  if (s != HB_OK) return Result<Handle>::error_of(s);
  return Handle(out);
}

}  // namespace harbor::names
