// arch/hosted/machine.cc - hosted::Machine (hosted/machine.h) and its private core.
#include <hosted/machine.h>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <utility>

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

kernel::KernelLock& Locked::lock() { return m_machine.kernel().lock(); }

CoreLocked::CoreLocked(MachineCore& machine, uint32_t core)
    : m_machine(machine), m_core(core), m_saved(t_cpu) {
  machine.kernel().lock().lock_core(core);
  t_cpu.machine = &machine;
}

CoreLocked::~CoreLocked() {
  t_cpu = m_saved;
  m_machine.kernel().lock().unlock_core(m_core);
}

MachineCore::MachineCore(const MachineOptions& options) : m_options(options) {
  uint32_t cores = options.cores ? options.cores : std::thread::hardware_concurrency();
  m_cores = std::clamp<uint32_t>(cores, 1, arch::kMaxCores);
  m_rng = options.seed;
  // Placement: the CPUs asked for, or those this process may use now (in order).
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) CPU_ZERO(&allowed);
  if (!options.host_cpus.empty()) {
    for (int cpu : options.host_cpus)
      m_host_cpus.push_back(cpu >= 0 && cpu < CPU_SETSIZE && CPU_ISSET(cpu, &allowed) ? cpu : -1);
  } else {
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
      if (CPU_ISSET(cpu, &allowed)) m_host_cpus.push_back(cpu);
  }
  m_held = options.deterministic;  // until Machine::resume() or the first wait

  for (char** e = environ; e && *e; ++e)
    if (std::strncmp(*e, kChannelEnv, std::strlen(kChannelEnv)) != 0) m_environment.push_back(*e);
  m_environment.push_back(std::string(kChannelEnv) + "=" + std::to_string(kChannelFd));

  CpuState saved = t_cpu;
  t_cpu.machine = this;
  m_kernel.emplace(options.kernel);
  t_cpu = saved;
  // One lock per emulated core (kernel/kernel_lock.h). Answers made under any of them are
  // written once it is free (serve.cc).
  m_kernel->lock().set_cores(m_cores);
  for (uint32_t core = 0; core < m_cores; ++core)
    m_kernel->lock().core_lock(core).set_after_unlock(&MachineCore::flush_answers);
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
// m_timer_sleeps_until says until when it sleeps: set_timer wakes it only for an earlier
// deadline (a later one is found when it wakes anyway). Every blocking call with a timeout
// used to wake it, twice per call/reply round trip (docs/performance.md §6.1).
void MachineCore::timer_loop() {
  Locked locked(*this);
  while (!m_timer_stop) {
    uint64_t deadline = m_kernel->next_deadline();
    uint64_t now = now_ns();
    if (deadline <= now) {
      m_kernel->expire_deadlines(now);
      continue;
    }
    m_timer_sleeps_until = deadline;
    if (deadline == UINT64_MAX) {
      m_timer_cv.wait(locked.lock());
    } else {
      m_timer_cv.wait_for(locked.lock(), std::chrono::nanoseconds(deadline - now));
    }
    m_timer_sleeps_until = 0;
  }
}

// Kills every task, waits for the monitor to clean each one up, then stops the threads.
void MachineCore::shutdown() {
  if (!m_kernel) return;
  detach_self(0);  // not a process the monitor watches: ended here
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

// The task of Machine::attach_self ends like a task whose process died: the kernel forgets
// it (steps (2) and (3) of monitor.cc), then its serving thread and context go. Its process
// is this one: nothing to signal or reap.
void MachineCore::detach_self(int32_t code) {
  arch::TaskContext* ctx = nullptr;
  {
    Locked locked(*this);
    ctx = std::exchange(m_self, nullptr);
    if (!ctx) return;
    if (!ctx->forgotten) {
      m_kernel->task_died(*ctx->task, code);
      if (!ctx->forgotten) {
        m_exits[ctx->id].code = code;
        stop_task(ctx);
      }
    }
    ctx->exited = true;  // copies fault from now on
    ctx->stopping.store(true, std::memory_order_release);
    channel_state(ctx->channel).store(kDead, std::memory_order_release);
    futex_wake_all(&ctx->channel->state);
    schedule_locked();
  }
  release_context(ctx);
}

// Deterministic mode. The attach_self task is its caller's thread: it "executes" between its
// syscalls, so the scheduler waits for it, as for any task. Waiting in Machine::wait (for one
// task, or with wait_all for all) is no syscall, so there it must not hold everyone up:
//   (P1) park: it counts as blocked while it waits;
//   (P2) the task it waits for is forgotten by the kernel (stop_task), a point of the schedule
//        that does not depend on the host's timing: it becomes Ready there;
//   (P3) the scheduler picks it like any Ready task, and only then does Machine::wait return
//        (also waiting, meanwhile, for the process to be reaped): where the test body goes
//        on is a decision of the scheduler, so a run repeats.
// A wait that times out unparks at once (a point in real time: such a run is failing anyway).
size_t MachineCore::user_tasks_live_locked() const {
  size_t n = 0;
  for (auto& [id, ctx] : m_live)
    if (ctx != m_self && !ctx->system) ++n;
  return n;
}

bool MachineCore::waited_for_ended_locked() const {
  for (auto& [id, ctx] : m_live) {
    if (ctx == m_self || ctx->forgotten || ctx->system) continue;
    if (m_self_waits_for == 0 || m_self_waits_for == id) return false;
  }
  return true;
}

// (P1) Lock held. False when there is nothing to park for.
bool MachineCore::park_self_locked(hb_task_id_t task) {
  arch::TaskContext* self = m_self;
  if (!deterministic() || !self || self->forgotten || self->det != arch::DetState::Executing ||
      std::this_thread::get_id() != m_self_thread)  // another thread: the task runs on
    return false;
  m_self_waits_for = task;
  if (waited_for_ended_locked()) return false;
  self->det = arch::DetState::Blocked;
  if (m_executing > 0) --m_executing;
  m_self_parked = true;
  schedule_locked();
  return true;
}

// (P2) Called by stop_task, lock held.
void MachineCore::release_parked_self_locked() {
  arch::TaskContext* self = m_self;
  if (!m_self_parked || !self || self->det != arch::DetState::Blocked) return;
  if (!waited_for_ended_locked()) return;
  self->det = arch::DetState::Ready;
  self->ready_result = 0;  // "delivered" into a channel nobody waits on: harmless
}

// (P3) Still parked: blocked, or Ready and not picked yet.
bool MachineCore::self_parked_locked() const {
  return m_self_parked && m_self && !m_self->forgotten &&
         m_self->det != arch::DetState::Executing;
}

void MachineCore::unpark_self_locked(Locked& locked) {
  arch::TaskContext* self = m_self;
  if (self && !self->forgotten && self->det == arch::DetState::Blocked) {  // timed out
    self->det = arch::DetState::Ready;
    self->ready_result = 0;
    schedule_locked();
  }
  // The scheduler notifies no one when it picks a task: look every millisecond.
  while (self_parked_locked()) m_changed.wait_for(locked.lock(), std::chrono::milliseconds(1));
  m_self_parked = false;
}

void MachineCore::wait_for_change_locked(Locked& locked, bool parked, bool forever,
                                         std::chrono::steady_clock::time_point deadline) {
  if (parked) {
    m_changed.wait_for(locked.lock(), std::chrono::milliseconds(1));  // (P3)
  } else if (forever) {
    m_changed.wait(locked.lock());
  } else {
    m_changed.wait_until(locked.lock(), deadline);
  }
}

}  // namespace hosted::detail

namespace hosted {

using detail::Locked;

struct Machine::Impl : detail::MachineCore {
  explicit Impl(const MachineOptions& options) : MachineCore(options) {}
};

Machine::Machine(const MachineOptions& options) : m_impl(std::make_unique<Impl>(options)) {
  if (options.name_server) start_name_server();
}

// kernel.h "name-service-bootstrap", steps (1) and (2). The port is bounded: a flood of
// requests blocks its senders instead of growing the server's queue.
void Machine::start_name_server() {
  constexpr uint32_t kRequestsQueued = 64;
  PortCaps port = make_port(HB_PORT_BOUNDED, kRequestsQueued, 0);
  if (port.status != HB_OK) return;
  Locked locked(*m_impl);
  TaskBody body = m_impl->options().name_server;
  m_impl->m_next_body = &body;
  m_impl->m_next_system = true;
  auto started = m_impl->kernel().spawn_system("names", port.recv, 0);
  m_impl->m_next_body = nullptr;
  m_impl->m_next_system = false;
  if (!started.ok()) {
    if (!port.recv.empty()) kernel::capability_drop(port.recv);
    kernel::capability_drop(port.send);
    return;
  }
  m_impl->kernel().set_name_service(port.send);
  m_impl->schedule_locked();
}

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

Machine::Started Machine::start_function(TaskBody body, const std::string& name, uint32_t core,
                                         std::vector<kernel::Capability> handles) {
  Locked locked(*m_impl);
  m_impl->m_next_body = &body;  // start_task (task_hooks.cc) takes it, under this same hold
  auto result = m_impl->kernel().spawn_root(name.c_str(), nullptr, 0, handles.data(),
                                            static_cast<uint32_t>(handles.size()), core);
  m_impl->m_next_body = nullptr;
  if (!result.ok()) {
    for (kernel::Capability& cap : handles)
      if (!cap.empty()) kernel::capability_drop(cap);
    return {kernel::to_status(result.error()), 0};
  }
  hb_task_id_t id = result.value()->id();
  m_impl->schedule_locked();
  return {HB_OK, id};
}

// Like spawn_root without the start message: nobody sends this task anything at start.
Machine::Attached Machine::attach_self(const std::string& name) {
  Locked locked(*m_impl);
  if (m_impl->m_self) return {HB_ERR_INVALID_ARG, 0, -1};
  kernel::Kernel& kernel = m_impl->kernel();
  auto created = kernel.new_task(nullptr);
  if (!created.ok()) return {kernel::to_status(created.error()), 0, -1};
  kernel::Task* task = created.value();
  m_impl->m_next_in_process = true;  // start_task (task_hooks.cc) takes it
  kernel::Status started = kernel.start_task(*task, nullptr, name.c_str(), UINT32_MAX);
  m_impl->m_next_in_process = false;
  if (!started.ok()) {
    kernel.forget_new_task(*task);
    return {kernel::to_status(started.error()), 0, -1};
  }
  m_impl->m_self_thread = std::this_thread::get_id();
  int fd = fcntl(m_impl->m_self->memfd, F_DUPFD_CLOEXEC, 3);
  if (fd < 0) {
    locked.lock().unlock();  // detach_self takes the lock itself
    m_impl->detach_self(0);
    locked.lock().lock();
    return {HB_ERR_NO_MEMORY, 0, -1};
  }
  return {HB_OK, task->id(), fd};
}

void Machine::detach_self(int32_t code) { m_impl->detach_self(code); }

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
  bool parked = timeout_ns != 0 && m_impl->park_self_locked(task);  // a mere look is no wait
  Exit exit{HB_ERR_TIMED_OUT, 0};
  for (;;) {
    auto it = m_impl->m_exits.find(task);
    if (it == m_impl->m_exits.end()) {
      exit = {HB_ERR_NOT_FOUND, 0};
      break;
    }
    if (it->second.done && !(parked && m_impl->self_parked_locked())) {
      exit = {HB_OK, it->second.code};
      m_impl->m_exits.erase(it);
      break;
    }
    if (!forever && std::chrono::steady_clock::now() >= deadline) break;
    m_impl->wait_for_change_locked(locked, parked, forever, deadline);
  }
  if (parked) m_impl->unpark_self_locked(locked);
  return exit;
}

bool Machine::wait_all(uint64_t timeout_ns) {
  auto deadline = std::chrono::steady_clock::now();
  bool forever = timeout_ns == UINT64_MAX;
  if (!forever) deadline += std::chrono::nanoseconds(timeout_ns);
  Locked locked(*m_impl);
  m_impl->set_held_locked(false);
  bool parked = timeout_ns != 0 && m_impl->park_self_locked(0);
  // The attach_self task is this caller: it cannot end while we wait for it.
  auto idle = [&] {
    return m_impl->user_tasks_live_locked() == 0 && !(parked && m_impl->self_parked_locked());
  };
  bool done = false;
  for (;;) {
    if ((done = idle())) break;
    if (!forever && std::chrono::steady_clock::now() >= deadline) break;
    m_impl->wait_for_change_locked(locked, parked, forever, deadline);
  }
  if (parked) m_impl->unpark_self_locked(locked);
  return done;
}

bool Machine::kill(hb_task_id_t task) {
  Locked locked(*m_impl);
  auto it = m_impl->m_live.find(task);
  if (it == m_impl->m_live.end() || it->second->exited || it->second->in_process) return false;
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

void Machine::set_task_start_sink(TaskStartSink sink) {
  Locked locked(*m_impl);
  m_impl->m_task_start_sink = std::move(sink);
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
