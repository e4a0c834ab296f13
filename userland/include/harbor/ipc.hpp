// harbor/ipc.hpp - a small header-only C++ layer over harbor/sys.h.
//
//   harbor::Result<T>  a value or an hb_status_t (no exceptions)
//   harbor::Handle     a move-only owner of an hb_handle_t: closes it on destruction
//   harbor::Port       create() -> {recv, send}
//   harbor::send / harbor::recv   std::span-friendly wrappers
//
//   auto port = harbor::Port::create(HB_PORT_BOUNDED, 8);
//   if (!port) return port.error();
//   harbor::send(port->send, harbor::as_bytes("ping"));
//   std::byte buffer[64];
//   auto got = harbor::recv(port->recv, buffer);   // got->data is the part of buffer used
#pragma once

#include <harbor/sys.h>

#include <cstddef>
#include <cstring>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace harbor {

// ---- Result<T> ------------------------------------------------------------------------
template <typename T>
class Result {
 public:
  Result(T value) : m_value(std::move(value)), m_status(HB_OK) {}
  static Result error_of(hb_status_t status) { return Result(status, 0); }

  bool ok() const { return m_status == HB_OK; }
  explicit operator bool() const { return ok(); }
  hb_status_t error() const { return m_status; }
  const char* message() const { return hb_strerror(m_status); }

  T& value() & { return m_value; }
  T&& value() && { return std::move(m_value); }
  T* operator->() { return &m_value; }
  T& operator*() & { return m_value; }

 private:
  Result(hb_status_t status, int) : m_value(), m_status(status) {}
  T m_value;
  hb_status_t m_status;
};

// A status alone (Result<void>).
class Status {
 public:
  Status(hb_status_t status = HB_OK) : m_status(status) {}
  bool ok() const { return m_status == HB_OK; }
  explicit operator bool() const { return ok(); }
  hb_status_t error() const { return m_status; }
  const char* message() const { return hb_strerror(m_status); }

 private:
  hb_status_t m_status;
};

// ---- Handle ---------------------------------------------------------------------------
class Handle {
 public:
  Handle() = default;
  explicit Handle(hb_handle_t handle) : m_handle(handle) {}
  Handle(Handle&& other) noexcept : m_handle(other.release()) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hb_handle_t get() const { return m_handle; }
  bool valid() const { return m_handle != HB_INVALID; }
  explicit operator bool() const { return valid(); }
  // Gives up ownership (e.g. the handle was moved into a message that was sent).
  hb_handle_t release() { return std::exchange(m_handle, HB_INVALID); }
  void reset(hb_handle_t handle = HB_INVALID) {
    if (m_handle != HB_INVALID) hb_handle_close(m_handle);
    m_handle = handle;
  }
  Result<Handle> dup(uint32_t rights = HB_RIGHTS_SAME) const {
    hb_handle_t out = HB_INVALID;
    hb_status_t s = hb_handle_dup(m_handle, rights, &out);
    if (s != HB_OK) return Result<Handle>::error_of(s);
    return Handle(out);
  }

 private:
  hb_handle_t m_handle{HB_INVALID};
};

// ---- ports ----------------------------------------------------------------------------
struct Port {
  Handle recv;
  Handle send;

  static Result<Port> create(uint32_t mode, uint32_t capacity = 0, uint32_t flags = 0) {
    hb_handle_t r = HB_INVALID, s = HB_INVALID;
    hb_status_t status = hb_port_create(mode, capacity, flags, &r, &s);
    if (status != HB_OK) return Result<Port>::error_of(status);
    return Port{Handle(r), Handle(s)};
  }
};

inline std::span<const std::byte> as_bytes(std::string_view text) {
  return std::as_bytes(std::span<const char>(text.data(), text.size()));
}

// ---- send / recv ----------------------------------------------------------------------
// Sends `data` and moves `handles` into the message: on success they are released (the
// kernel closed them in this task); on failure they stay owned here.
inline Status send(const Handle& port, std::span<const std::byte> data,
                   std::span<Handle> handles = {}, uint32_t flags = 0,
                   hb_time_t timeout = HB_FOREVER) {
  hb_handle_t raw[HB_MSG_HANDLES_MAX];
  if (handles.size() > HB_MSG_HANDLES_MAX) return Status(HB_ERR_TOO_BIG);
  for (size_t i = 0; i < handles.size(); ++i) raw[i] = handles[i].get();
  hb_msg_out m{data.data(), static_cast<uint32_t>(data.size()),
               static_cast<uint32_t>(handles.size()), raw};
  hb_status_t s = hb_send(port.get(), &m, flags, timeout);
  if (s == HB_OK)
    for (Handle& h : handles) h.release();
  return Status(s);
}

// What a receive got: the used part of the caller's buffer, and everything else the kernel
// said about the message.
struct Received {
  std::span<std::byte> data;
  std::vector<Handle> handles;
  hb_task_id_t sender{0};
  uint64_t badge{0};
  Handle reply;  // from hb_call, else invalid
};

inline Result<Received> recv(const Handle& port, std::span<std::byte> buffer, uint32_t flags = 0,
                             hb_time_t timeout = HB_FOREVER, hb_task_id_t from = 0) {
  hb_handle_t raw[HB_MSG_HANDLES_MAX];
  hb_msg_in in{};
  in.data = buffer.data();
  in.cap = static_cast<uint32_t>(buffer.size());
  in.handles = raw;
  in.handle_cap = HB_MSG_HANDLES_MAX;
  in.sender = from;
  hb_status_t s = hb_recv(port.get(), &in, flags, timeout);
  if (s != HB_OK) return Result<Received>::error_of(s);
  Received got;
  got.data = buffer.first(in.len);
  for (uint32_t i = 0; i < in.handle_count; ++i) got.handles.emplace_back(raw[i]);
  got.sender = in.sender;
  got.badge = in.badge;
  got.reply = Handle(in.reply);
  return got;
}

}  // namespace harbor
