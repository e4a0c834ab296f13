// arch/hosted/task_hooks.cc - the kernel's task hooks (arch/task_hooks.h) on the hosted
// machine: a task is a process, its context the process plus its syscall channel.
//
// Life of a task context:
//   (1) start_task: channel page, process (spawn.cc), pidfd watched by the monitor, and a
//       serving thread (serve.cc); the context joins m_live;
//   (2) syscalls flow through the channel; blocked ones finish in resume_task;
//   (3) the kernel forgets the task (hb_task_exit, or task_died after the process ended):
//       stop_task kills the process if it still runs and tells the serving thread to end;
//   (4) the monitor reaps the process, joins the serving thread and frees the context
//       (monitor.cc). Only then does Machine::wait see the task as gone.
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <utility>

#include "machine_core.h"

namespace hosted::detail {

namespace {

bool is_executable_file(const char* path) {
  struct stat st {};
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return false;
  return access(path, X_OK) == 0;
}

std::string base_name(const char* path) {
  const char* slash = std::strrchr(path, '/');
  return slash ? slash + 1 : path;
}

int pidfd_open(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

}  // namespace

uint32_t MachineCore::pick_core() {
  uint32_t core = m_next_core;
  m_next_core = (m_next_core + 1) % m_cores;
  return core;
}

// (1) The process is an executable `image` (fork + exec), or a function of this program
// (Machine::start_function: fork only), or this very process (Machine::attach_self).
// argv of a program: the start message's bytes, each argument followed by a NUL.
static std::vector<std::string> split_args(const char* args, uint32_t len) {
  std::vector<std::string> out;
  uint32_t begin = 0;
  for (uint32_t i = 0; i < len; ++i) {
    if (args[i] != '\0') continue;
    out.emplace_back(args + begin, i - begin);
    begin = i + 1;
  }
  if (begin < len) out.emplace_back(args + begin, len - begin);  // no final NUL
  return out;
}

int32_t MachineCore::start_task(kernel::Task* task, const char* image, const char* args,
                                uint32_t args_len, arch::TaskContext** ctx_out) {
  const Machine::TaskBody* body = std::exchange(m_next_body, nullptr);
  bool in_process = std::exchange(m_next_in_process, false);
  bool system = std::exchange(m_next_system, false);
  if (m_shutting_down) return HB_ERR_NO_MEMORY;
  if (!body && !in_process && !is_executable_file(image)) return HB_ERR_NOT_FOUND;

  int memfd = memfd_create("harbor-channel", MFD_CLOEXEC);
  if (memfd < 0) return HB_ERR_NO_MEMORY;
  void* page = MAP_FAILED;
  if (ftruncate(memfd, kChannelSize) == 0)
    page = mmap(nullptr, kChannelSize, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
  if (page == MAP_FAILED) {
    close(memfd);
    return HB_ERR_NO_MEMORY;
  }
  auto* channel = static_cast<Channel*>(page);
  channel->magic = kChannelMagic;
  channel->task_id = task->id();
  channel_state(channel).store(kIdle, std::memory_order_release);

  if (task->core() == UINT32_MAX) task->set_core(pick_core());
  if (task->core() >= m_cores) task->set_core(task->core() % m_cores);
  int cpu = in_process ? -1 : host_cpu_of_core(task->core());

  int error = 0;
  pid_t pid = in_process ? getpid()
                         : spawn_process(image, split_args(args, args_len), memfd, cpu, &error,
                                         body);
  if (pid < 0 && (error == ENOENT || error == EACCES || error == ENOEXEC || error == ENOTDIR ||
                  error == ELOOP || error == ENAMETOOLONG || error == EISDIR)) {
    munmap(page, kChannelSize);
    close(memfd);
    return HB_ERR_NOT_FOUND;  // not a program this host can run
  }
  int pidfd = pid > 0 && !in_process ? pidfd_open(pid) : -1;
  if (pidfd < 0 && !in_process) {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
    munmap(page, kChannelSize);
    close(memfd);
    return HB_ERR_NO_MEMORY;
  }

  auto* ctx = new arch::TaskContext;
  ctx->machine = this;
  ctx->task = task;
  ctx->id = task->id();
  ctx->name = base_name(image);
  ctx->core = task->core();
  ctx->host_cpu = cpu;
  ctx->pid = pid;
  ctx->pidfd = pidfd;
  ctx->in_process = in_process;
  ctx->system = system;
  ctx->memfd = memfd;
  ctx->channel = channel;
  ctx->det = arch::DetState::Executing;
  if (deterministic()) ++m_executing;

  m_live[ctx->id] = ctx;
  m_exits[ctx->id] = ExitRecord{};
  if (m_task_start_sink) m_task_start_sink(*task);
  update_spin_locked();
  ctx->server = std::thread([this, ctx] { serve_loop(ctx); });

  if (in_process) {
    m_self = ctx;  // no death to watch: Machine::detach_self ends it
  } else {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.ptr = ctx;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, pidfd, &event);
  }

  *ctx_out = ctx;
  return HB_OK;
}

int MachineCore::host_cpu_of_core(uint32_t core) const {
  if (m_host_cpus.empty()) return -1;
  return m_host_cpus[core % m_host_cpus.size()];
}

// The wake-up policy (MachineOptions::spin, docs/design.md): a task spins while Blocked
// only if it is pinned to a host CPU no other live task is pinned to, and every live task
// is pinned (an unpinned one could run anywhere), on at least two CPUs. Its serving thread
// sleeps meanwhile, so the spinner holds up nobody of this machine.
void MachineCore::update_spin_locked() {
  constexpr uint32_t kDefaultSpinNs = 50000;
  uint32_t budget = m_options.spin_ns ? m_options.spin_ns : kDefaultSpinNs;
  if (!m_options.spin || deterministic()) budget = 0;
  std::map<int, uint32_t> tasks_on;
  bool unpinned = false;
  for (auto& [id, ctx] : m_live) {
    if (ctx->forgotten || ctx->system) continue;  // the name server mostly sleeps
    if (ctx->host_cpu < 0) unpinned = true;
    else ++tasks_on[ctx->host_cpu];
  }
  if (unpinned || tasks_on.size() < 2) budget = 0;
  for (auto& [id, ctx] : m_live) {
    bool spin = budget != 0 && !ctx->forgotten && ctx->host_cpu >= 0 && tasks_on[ctx->host_cpu] == 1;
    ctx->spin_when_blocked.store(spin, std::memory_order_relaxed);
    std::atomic_ref<uint32_t>(ctx->channel->spin_ns).store(spin ? budget : 0, std::memory_order_relaxed);
  }
}

// (3) The kernel forgot the task: record its exit code, stop the process and the thread.
void MachineCore::stop_task(arch::TaskContext* ctx) {
  if (ctx->forgotten) return;
  auto exit = m_exits.find(ctx->id);
  if (exit != m_exits.end() && ctx->task) exit->second.code = ctx->task->exit_code();
  if (deterministic() && ctx->det == arch::DetState::Executing && m_executing > 0)
    --m_executing;
  ctx->forgotten = true;
  ctx->task = nullptr;
  update_spin_locked();
  if (!ctx->exited && !ctx->in_process)
    syscall(SYS_pidfd_send_signal, ctx->pidfd, SIGKILL, nullptr, 0);
  ctx->stopping.store(true, std::memory_order_release);
  channel_state(ctx->channel).store(kDead, std::memory_order_release);
  futex_wake_all(&ctx->channel->state);
  release_parked_self_locked();  // deterministic: Machine::wait may have waited for it
}

// (2) A blocked syscall finished.
void MachineCore::resume_task(arch::TaskContext* ctx, int64_t result) {
  if (ctx->forgotten) return;
  if (deterministic()) {
    ctx->det = arch::DetState::Ready;  // delivered when the scheduler picks it
    ctx->ready_result = result;
    return;
  }
  respond_locked(ctx, result);
}

void MachineCore::set_timer(uint64_t deadline_ns) {
  if (deterministic()) return;  // the scheduler advances the logical clock itself
  // Also called on the core side (a blocking call with a timeout), without the machine's
  // lock: the timer thread set m_timer_sleeps_until before its wait released the whole
  // kernel lock, and condition_variable_any cannot lose a notify that comes after that.
  m_timer_deadline.store(deadline_ns, std::memory_order_relaxed);
  if (deadline_ns < m_timer_sleeps_until.load(std::memory_order_acquire)) m_timer_cv.notify_all();
}

uint64_t MachineCore::now_ns() const {
  if (deterministic()) return m_logical_now;
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

void MachineCore::console(const char* text, uint32_t len) {
  hb_task_id_t id = 0;
  std::string name = "kernel";
  if (t_cpu.task) {
    id = t_cpu.task->id;
    name = t_cpu.task->name;
  }
  if (m_console) {
    m_console(id, name, std::string(text, len));
    return;
  }
  std::fwrite(text, 1, len, stdout);
  std::fflush(stdout);
}

}  // namespace hosted::detail
