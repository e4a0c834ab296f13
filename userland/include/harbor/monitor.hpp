// harbor/monitor.hpp - a header-only C++ layer over harbor/monitor.h, in the style of
// harbor/ipc.hpp: move-only owners, RAII, harbor::Result / harbor::Status, no exceptions.
//
//   harbor::Monitor  owns an hb_monitor_t: create() or attach(), detach on destruction
//   harbor::MonitorLock  enter in the constructor, exit in the destructor (a lock guard)
//   harbor::Condition    wait (Mesa: give it the predicate, it loops), signal, broadcast
//
//   auto monitor = harbor::Monitor::create(2, 4, sizeof(Shelf));
//   harbor::Condition not_empty(*monitor, 0), not_full(*monitor, 1);
//   {
//     harbor::MonitorLock lock(*monitor);
//     Shelf* shelf = monitor->data<Shelf>();
//     not_full.wait(lock, [&] { return shelf->count < kSlots; });
//     shelf->put(item);
//     not_empty.signal();
//   }                                    // exit
#pragma once

#include <harbor/ipc.hpp>
#include <harbor/monitor.h>

#include <array>
#include <cstdint>
#include <span>
#include <utility>

namespace harbor {

class Monitor {
 public:
  Monitor() = default;
  Monitor(Monitor&& other) noexcept : m_monitor(std::exchange(other.m_monitor, {})) {}
  Monitor& operator=(Monitor&& other) noexcept {
    if (this != &other) {
      reset();
      m_monitor = std::exchange(other.m_monitor, {});
    }
    return *this;
  }
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;
  ~Monitor() { reset(); }

  // hb_monitor_create: `conds` condition variables, `waiters` waiter slots, `data_size`
  // bytes of shared data.
  static Result<Monitor> create(uint32_t conds, uint32_t waiters, uint64_t data_size) {
    Monitor m;
    hb_status_t s = hb_monitor_create(conds, waiters, data_size, &m.m_monitor);
    if (s != HB_OK) return Result<Monitor>::error_of(s);
    return m;
  }
  // hb_monitor_attach: on success the monitor owns the handles.
  static Result<Monitor> attach(std::span<const hb_handle_t> handles) {
    Monitor m;
    hb_status_t s = hb_monitor_attach(handles.data(), static_cast<uint32_t>(handles.size()),
                                      &m.m_monitor);
    if (s != HB_OK) return Result<Monitor>::error_of(s);
    return m;
  }

  // hb_monitor_grant: copies of the handles for another task, in attach order; give them
  // to harbor::send or a spawn (they are moved there) or let them close.
  struct Grant {
    std::array<Handle, HB_MONITOR_HANDLES_MAX> handles;
    uint32_t count{0};
    // The raw numbers, for a start message; release() them once they were sent.
    std::array<hb_handle_t, HB_MONITOR_HANDLES_MAX> raw() const {
      std::array<hb_handle_t, HB_MONITOR_HANDLES_MAX> out{};
      for (uint32_t i = 0; i < count; ++i) out[i] = handles[i].get();
      return out;
    }
    void release() {
      for (Handle& h : handles) h.release();
    }
  };
  Result<Grant> grant() const {
    hb_handle_t raw[HB_MONITOR_HANDLES_MAX];
    uint32_t count = 0;
    hb_status_t s = hb_monitor_grant(&m_monitor, raw, HB_MONITOR_HANDLES_MAX, &count);
    if (s != HB_OK) return Result<Grant>::error_of(s);
    Grant g;
    g.count = count;
    for (uint32_t i = 0; i < count; ++i) g.handles[i].reset(raw[i]);
    return g;
  }

  // The shared data, as a T (only inside the monitor).
  template <typename T>
  T* data() const {
    return static_cast<T*>(hb_monitor_data(&m_monitor));
  }
  Status enter(hb_time_t timeout = HB_FOREVER) { return hb_monitor_enter(&m_monitor, timeout); }
  Status exit() { return hb_monitor_exit(&m_monitor); }
  bool inside() const { return m_monitor.inside != 0; }
  bool valid() const { return m_monitor.shared != nullptr; }
  hb_monitor_t* get() { return &m_monitor; }

  void reset() {
    if (valid()) hb_monitor_detach(&m_monitor);
    m_monitor = {};
  }

 private:
  hb_monitor_t m_monitor{};
};

// Enters in the constructor (waiting as long as it takes), exits in the destructor: the
// monitor is left on every path out of a scope, as a lock guard does.
class MonitorLock {
 public:
  explicit MonitorLock(Monitor& monitor) : m_monitor(&monitor) {
    m_status = monitor.enter(HB_FOREVER);
  }
  MonitorLock(const MonitorLock&) = delete;
  MonitorLock& operator=(const MonitorLock&) = delete;
  ~MonitorLock() {
    if (m_status.ok() && m_monitor->inside()) m_monitor->exit();  // only what this lock entered
  }
  // Whether the enter worked (it fails only for a monitor that is not attached, or one this
  // task is already inside).
  Status status() const { return m_status; }
  explicit operator bool() const { return m_status.ok(); }
  Monitor& monitor() const { return *m_monitor; }

 private:
  Monitor* m_monitor;
  Status m_status;
};

// Condition variable `index` of a monitor. Waiting needs the lock: the type says so.
class Condition {
 public:
  Condition(Monitor& monitor, uint32_t index) : m_monitor(&monitor), m_index(index) {}

  // One wait (hb_cond_wait): HB_OK when signalled. Mesa: recheck what you wait for.
  Status wait(MonitorLock&, hb_time_t timeout = HB_FOREVER) {
    return hb_cond_wait(m_monitor->get(), m_index, timeout);
  }
  // Waits until `ready()` holds, the loop Mesa semantics asks for. Each wait gets the whole
  // `timeout` again; HB_ERR_TIMED_OUT once a wait timed out with `ready()` still false.
  template <typename Predicate>
  Status wait(MonitorLock& lock, Predicate ready, hb_time_t timeout = HB_FOREVER) {
    while (!ready()) {
      Status s = wait(lock, timeout);
      if (!s.ok() && !ready()) return s;
    }
    return Status(HB_OK);
  }
  Status signal() { return hb_cond_signal(m_monitor->get(), m_index); }
  Status broadcast() { return hb_cond_broadcast(m_monitor->get(), m_index); }
  Result<uint32_t> waiters() const {
    uint32_t n = 0;
    hb_status_t s = hb_cond_waiters(m_monitor->get(), m_index, &n);
    if (s != HB_OK) return Result<uint32_t>::error_of(s);
    return n;
  }

 private:
  Monitor* m_monitor;
  uint32_t m_index;
};

}  // namespace harbor
