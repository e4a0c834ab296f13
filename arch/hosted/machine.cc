// arch/hosted/machine.cc - hosted::Machine (hosted/machine.h) and its private core.
#include <hosted/machine.h>

#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "machine_core.h"
#include <kernel/port.h>

extern char** environ;

namespace hosted::detail {

Locked::Locked(MachineCore& machine) : m_machine(machine), m_saved(t_cpu) {
  machine.kernel().lock().lock();
  t_cpu.machine = &machine;
}

Locked::~Locked() {
  t_cpu = m_saved;
  m_machine.kernel().lock().unlock();
}

arch::Lock& Locked::lock() { return m_machine.kernel().lock(); }

MachineCore::MachineCore(const MachineOptions& options) : m_options(options) {
  uint32_t cores = options.cores ? options.cores : std::thread::hardware_concurrency();
  m_cores = std::clamp<uint32_t>(cores, 1, arch::kMaxCores);
  m_rng = options.seed;
  m_held = options.deterministic;  // until Machine::resume() or the first wait

  for (char** e = environ; e && *e; ++e)
    if (std::strncmp(*e, kChannelEnv, std::strlen(kChannelEnv)) != 0) m_environment.push_back(*e);
  m_environment.push_back(std::string(kChannelEnv) + "=" + std::to_string(kChannelFd));

  CpuState saved = t_cpu;
  t_cpu.machine = this;
  m_kernel.emplace(options.kernel);
  t_cpu = saved;
  {
    Locked locked(*this);
    m_kernel->trace().set_enabled(options.trace);
  }

  m_epoll = epoll_create1(EPOLL_CLOEXEC);
  m_monitor_event = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.ptr = nullptr;
  epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_monitor_event, &event);

  m_spawner = std::thread([this] { spawner_loop(); });
  m_monitor = std::thread([this] { monitor_loop(); });
  if (!deterministic()) m_timer = std::thread([this] { timer_loop(); });
}

MachineCore::~MachineCore() { shutdown(); }

// Calls expire_deadlines whenever the earliest deadline has passed (kernel.h step 3).
void MachineCore::timer_loop() {
  Locked locked(*this);
  while (!m_timer_stop) {
    uint64_t deadline = m_kernel->next_deadline();
    uint64_t now = now_ns();
    if (deadline <= now) {
      m_kernel->expire_deadlines(now);
      continue;
    }
    if (deadline == UINT64_MAX) {
      m_timer_cv.wait(locked.lock());
    } else {
      m_timer_cv.wait_for(locked.lock(), std::chrono::nanoseconds(deadline - now));
    }
  }
}

// Kills every task, waits for the monitor to clean each one up, then stops the threads.
void MachineCore::shutdown() {
  if (!m_kernel) return;
  {
    Locked locked(*this);
    m_shutting_down = true;
    for (auto& [id, ctx] : m_live)
      if (!ctx->exited) syscall(SYS_pidfd_send_signal, ctx->pidfd, SIGKILL, nullptr, 0);
    m_changed.wait(locked.lock(), [&] { return m_live.empty(); });
    m_timer_stop = true;
    m_timer_cv.notify_all();
  }
  if (m_timer.joinable()) m_timer.join();
  m_monitor_stop.store(true, std::memory_order_release);
  uint64_t one = 1;
  (void)!write(m_monitor_event, &one, sizeof one);
  if (m_monitor.joinable()) m_monitor.join();
  {
    std::lock_guard<std::mutex> guard(m_spawn_mutex);
    m_spawn_stop = true;
    m_spawn_cv.notify_all();
  }
  if (m_spawner.joinable()) m_spawner.join();
  close(m_epoll);
  close(m_monitor_event);

  // No other thread is left; the kernel destroys its own lock, so it is not held here.
  CpuState saved = t_cpu;
  t_cpu.machine = this;
  m_kernel.reset();
  t_cpu = saved;
}

}  // namespace hosted::detail

namespace hosted {

using detail::Locked;

struct Machine::Impl : detail::MachineCore {
  explicit Impl(const MachineOptions& options) : MachineCore(options) {}
};

Machine::Machine(const MachineOptions& options) : m_impl(std::make_unique<Impl>(options)) {}

Machine::~Machine() = default;

Machine::Started Machine::start(const std::string& program, const std::vector<std::string>& args,
                                uint32_t core, std::vector<kernel::Capability> handles) {
  std::string bytes;
  for (const std::string& arg : args) {
    bytes += arg;
    bytes.push_back('\0');
  }
  Locked locked(*m_impl);
  auto result = m_impl->kernel().spawn_root(program.c_str(), bytes.data(),
                                            static_cast<uint32_t>(bytes.size()), handles.data(),
                                            static_cast<uint32_t>(handles.size()), core);
  if (!result.ok()) {
    for (kernel::Capability& cap : handles)
      if (!cap.empty()) kernel::capability_drop(cap);
    return {kernel::to_status(result.error()), 0};
  }
  hb_task_id_t id = result.value()->id();
  m_impl->schedule_locked();
  return {HB_OK, id};
}

Machine::PortCaps Machine::make_port(uint32_t mode, uint32_t capacity, uint32_t flags) {
  Locked locked(*m_impl);
  PortCaps caps{HB_OK, {}, {}};
  kernel::Status status = m_impl->kernel().make_port(mode, capacity, flags, &caps.recv, &caps.send);
  if (!status.ok()) caps.status = kernel::to_status(status.error());
  return caps;
}

void Machine::close(kernel::Capability& cap) {
  if (cap.empty()) return;
  Locked locked(*m_impl);
  kernel::capability_drop(cap);
}

kernel::Capability Machine::duplicate(const kernel::Capability& cap) {
  if (cap.empty()) return {};
  Locked locked(*m_impl);
  // A port has one receive right unless it is SHARED_RECV (SPEC 2).
  if ((cap.rights & HB_RIGHT_RECV) && cap.object->type() == kernel::ObjectType::Port &&
      !(static_cast<kernel::Port*>(cap.object)->flags() & HB_PORT_SHARED_RECV))
    return {};
  return kernel::capability_create(*cap.object, cap.rights, cap.badge);
}

Machine::Exit Machine::wait(hb_task_id_t task, uint64_t timeout_ns) {
  auto deadline = std::chrono::steady_clock::now();
  bool forever = timeout_ns == UINT64_MAX;
  if (!forever) deadline += std::chrono::nanoseconds(timeout_ns);
  Locked locked(*m_impl);
  m_impl->set_held_locked(false);
  for (;;) {
    auto it = m_impl->m_exits.find(task);
    if (it == m_impl->m_exits.end()) return {HB_ERR_NOT_FOUND, 0};
    if (it->second.done) {
      int32_t code = it->second.code;
      m_impl->m_exits.erase(it);
      return {HB_OK, code};
    }
    if (forever) {
      m_impl->m_changed.wait(locked.lock());
    } else if (m_impl->m_changed.wait_until(locked.lock(), deadline) == std::cv_status::timeout) {
      auto again = m_impl->m_exits.find(task);
      if (again == m_impl->m_exits.end() || !again->second.done) return {HB_ERR_TIMED_OUT, 0};
    }
  }
}

bool Machine::wait_all(uint64_t timeout_ns) {
  Locked locked(*m_impl);
  m_impl->set_held_locked(false);
  auto idle = [&] { return m_impl->m_live.empty(); };
  if (timeout_ns == UINT64_MAX) {
    m_impl->m_changed.wait(locked.lock(), idle);
    return true;
  }
  return m_impl->m_changed.wait_for(locked.lock(), std::chrono::nanoseconds(timeout_ns), idle);
}

bool Machine::kill(hb_task_id_t task) {
  Locked locked(*m_impl);
  auto it = m_impl->m_live.find(task);
  if (it == m_impl->m_live.end() || it->second->exited) return false;
  return syscall(SYS_pidfd_send_signal, it->second->pidfd, SIGKILL, nullptr, 0) == 0;
}

void Machine::pause() {
  Locked locked(*m_impl);
  m_impl->set_held_locked(true);
}

void Machine::resume() {
  Locked locked(*m_impl);
  m_impl->set_held_locked(false);
}

void Machine::set_console(ConsoleSink sink) {
  Locked locked(*m_impl);
  m_impl->m_console = std::move(sink);
}

void Machine::drain_trace(const std::function<void(const kernel::TraceRecord&)>& sink) {
  Locked locked(*m_impl);
  m_impl->kernel().trace().drain([&](const kernel::TraceRecord& record) { sink(record); });
}

void Machine::with_kernel(const std::function<void(kernel::Kernel&)>& fn) {
  Locked locked(*m_impl);
  fn(m_impl->kernel());
}

uint32_t Machine::cores() const { return m_impl->cores(); }

const MachineOptions& Machine::options() const { return m_impl->options(); }

}  // namespace hosted
