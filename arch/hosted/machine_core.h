// arch/hosted/machine_core.h - the hosted machine's private state (not installed).
//
//   MachineCore --m_kernel--> kernel::Kernel
//        |--m_live------> TaskContext (one per task process not yet cleaned up)
//        |                    |--task----> kernel::Task   (until the kernel forgets it)
//        |                    |--channel-> Channel page   (shared with the process)
//        |                    '--server--> serving thread (non-deterministic mode)
//        |--monitor thread  (pidfds in an epoll: notices every process death)
//        |--timer thread    (calls expire_deadlines when the earliest deadline passes)
//        '--spawner thread  (forks every task: PR_SET_PDEATHSIG follows the forking thread)
//
// One lock guards everything here: the whole kernel lock (Locked: every core's side of
// kernel/kernel_lock.h). A serving thread trying a syscall on the core side (CoreLocked)
// may read that state, never write it. Blocking host calls (fork, join, waitid) happen
// without any lock.
#pragma once

#include <hosted/channel.h>
#include <hosted/machine.h>
#include <kernel/kernel.h>

#include "region_space.h"

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace hosted::detail {
class MachineCore;
}

namespace arch {

// Deterministic mode: where a task is, seen from the scheduler (scheduler.cc).
enum class DetState : uint8_t {
  Executing,  // running user code (after start, or after it got a response)
  Pending,    // its request waits to be served
  Blocked,    // the kernel returned kBlocked
  Ready,      // the kernel resumed it; the result waits to be delivered
};

struct TaskContext {
  hosted::detail::MachineCore* machine{nullptr};
  kernel::Task* task{nullptr};  // valid until `forgotten`
  hb_task_id_t id{0};
  std::string name;
  uint32_t core{0};
  pid_t pid{-1};
  int pidfd{-1};          // -1 for the task of Machine::attach_self (in_process)
  bool in_process{false};  // attach_self: this process itself; never signalled or watched
  bool system{false};      // the name server (Kernel::spawn_system): a daemon, see machine.h
  int memfd{-1};
  hosted::Channel* channel{nullptr};
  std::thread server;

  // Guarded by the kernel lock.
  bool forgotten{false};  // arch::task_stop ran: the kernel will not touch us again
  bool exited{false};     // the process is dead (a zombie or reaped): copies fault
  DetState det{DetState::Executing};
  uint32_t pending_number{0};
  uint64_t pending_args[6]{};
  int64_t ready_result{0};
  hosted::detail::RegionSpace regions;  // where its grant regions are mapped (region_memory.cc)

  // Read by the serving thread without the lock.
  std::atomic<bool> awaiting_response{false};  // a request taken and not answered yet
  std::atomic<bool> stopping{false};           // the serving thread must end
  // Placement (update_spin_locked): the host CPU this task and its serving thread are
  // pinned to (-1: not pinned), and whether the task spins while its call is Blocked.
  int host_cpu{-1};
  std::atomic<bool> spin_when_blocked{false};
  // Answers queued for this task under the kernel lock and not yet written (serve.cc): the
  // context is not freed while this is not 0.
  std::atomic<uint32_t> pending_answers{0};
};

}  // namespace arch

namespace hosted::detail {

// What the calling thread is doing in the kernel (for current_core, console, clock).
struct CpuState {
  MachineCore* machine{nullptr};
  arch::TaskContext* task{nullptr};
  uint32_t core{0};
};
extern thread_local CpuState t_cpu;

// Takes the whole kernel lock (every core's: kernel/kernel_lock.h) and makes `machine` the
// calling thread's machine. The machine's own state (contexts, the scheduler, the timer)
// is guarded by it too.
class Locked {
 public:
  explicit Locked(MachineCore& machine);
  ~Locked();
  Locked(const Locked&) = delete;
  Locked& operator=(const Locked&) = delete;
  kernel::KernelLock& lock();  // for condition_variable_any waits

 private:
  MachineCore& m_machine;
  CpuState m_saved;
};

// Takes only one core's side of the kernel lock: a serving thread trying a syscall on the
// core side (serve.cc). Machine state written under Locked may be read here, not written.
class CoreLocked {
 public:
  CoreLocked(MachineCore& machine, uint32_t core);
  ~CoreLocked();
  CoreLocked(const CoreLocked&) = delete;
  CoreLocked& operator=(const CoreLocked&) = delete;

 private:
  MachineCore& m_machine;
  uint32_t m_core;
  CpuState m_saved;
};

// While alive, the calling thread serves `ctx`'s syscall: its core, its console name.
class ServingAs {
 public:
  explicit ServingAs(arch::TaskContext* ctx) : m_saved(t_cpu) {
    t_cpu.task = ctx;
    t_cpu.core = ctx->core;
  }
  ~ServingAs() { t_cpu = m_saved; }
  ServingAs(const ServingAs&) = delete;
  ServingAs& operator=(const ServingAs&) = delete;

 private:
  CpuState m_saved;
};

struct ExitRecord {
  int32_t code{0};
  bool done{false};  // the kernel forgot the task and its process is reaped
};

class MachineCore {
 public:
  explicit MachineCore(const MachineOptions& options);
  ~MachineCore();

  kernel::Kernel& kernel() { return *m_kernel; }
  const MachineOptions& options() const { return m_options; }
  uint32_t cores() const { return m_cores; }
  bool deterministic() const { return m_options.deterministic; }

  // --- arch seam (lock held) ---
  int32_t start_task(kernel::Task* task, const char* image, const char* args, uint32_t args_len,
                     arch::TaskContext** ctx_out);
  void stop_task(arch::TaskContext* ctx);
  void resume_task(arch::TaskContext* ctx, int64_t result);
  void set_timer(uint64_t deadline_ns);
  uint64_t now_ns() const;
  void console(const char* text, uint32_t len);

  // --- serving (serve.cc) ---
  void serve_loop(arch::TaskContext* ctx);
  // Queues the answer `result` for ctx's syscall. Lock held. The calling thread writes it
  // into the channel and wakes the task right after it releases the kernel lock
  // (flush_answers), so a woken task never finds the lock still taken by its waker.
  void respond_locked(arch::TaskContext* ctx, int64_t result);
  // Writes the answers the calling thread queued (the kernel lock's after-unlock hook).
  static void flush_answers();
  // Waits until no thread has an answer for ctx queued (before freeing it). Without the lock.
  static void wait_for_answers(arch::TaskContext* ctx);

  // --- deterministic scheduling (scheduler.cc), lock held ---
  void schedule_locked();
  void set_held_locked(bool held);

  // --- death (monitor.cc) ---
  void monitor_loop();

  // --- processes (spawn.cc) ---
  // With `body`: fork only, and the child runs the function (run_function_child).
  // `cpu` >= 0: the child is pinned to that host CPU before it runs anything.
  pid_t spawn_process(const char* image, const std::vector<std::string>& args, int memfd,
                      int cpu, int* error, const Machine::TaskBody* body = nullptr);
  [[noreturn]] void run_function_child(pid_t parent, int memfd, int cpu,
                                       const Machine::TaskBody& body);
  void spawner_loop();

  // The wake-up policy (MachineOptions::spin): which tasks spin while Blocked. Lock held.
  void update_spin_locked();
  // Placement: the host CPU of an emulated core (-1: not pinned).
  int host_cpu_of_core(uint32_t core) const;

  // --- Machine API helpers ---
  void shutdown();
  // The task of Machine::attach_self (machine.cc).
  void detach_self(int32_t code);
  // Deterministic mode: the attach_self task counts as blocked while its thread waits in
  // Machine::wait (for `task`) or wait_all (task 0); steps (P1)-(P3) in machine.cc. Lock held.
  bool park_self_locked(hb_task_id_t task);
  void release_parked_self_locked();  // stop_task: what it waits for may have ended
  bool self_parked_locked() const;
  void unpark_self_locked(Locked& locked);
  bool waited_for_ended_locked() const;
  void notify_all() { m_changed.notify_all(); }
  // Machine::wait and wait_all: sleep until a task ends, the deadline passes (unless
  // `forever`), or, while parked, for a millisecond (P3).
  void wait_for_change_locked(Locked& locked, bool parked, bool forever,
                              std::chrono::steady_clock::time_point deadline);

  // Guarded by the kernel lock.
  std::map<hb_task_id_t, arch::TaskContext*> m_live;  // contexts not cleaned up yet
  std::map<hb_task_id_t, ExitRecord> m_exits;
  ConsoleSink m_console;
  // How start_task runs the next task, when not by exec (set and consumed under one hold of
  // the lock by Machine::start_function / attach_self).
  const Machine::TaskBody* m_next_body{nullptr};
  bool m_next_in_process{false};
  bool m_next_system{false};  // Machine::start_name_server
  Machine::TaskStartSink m_task_start_sink;  // Machine::set_task_start_sink
  // Live tasks that are not the name server nor the attach_self task: Machine::wait_all is
  // done when there are none.
  size_t user_tasks_live_locked() const;
  arch::TaskContext* m_self{nullptr};  // the attach_self task, while it is attached
  std::thread::id m_self_thread;        // ... and the thread that attached it (its "CPU")
  bool m_self_parked{false};            // that thread waits in Machine::wait / wait_all
  hb_task_id_t m_self_waits_for{0};     // ... for this task (0: for all)
  std::condition_variable_any m_changed;  // a task ended (wait, wait_all)

 private:
  void clean_up(arch::TaskContext* ctx);  // monitor: after reaping, without the lock
  void release_context(arch::TaskContext* ctx);  // the end of clean_up and detach_self
  uint32_t pick_core();
  void timer_loop();

  MachineOptions m_options;
  uint32_t m_cores{1};
  std::vector<int> m_host_cpus;  // placement: emulated core i -> m_host_cpus[i % size]
  std::optional<kernel::Kernel> m_kernel;

  // Guarded by the kernel lock.
  uint32_t m_next_core{0};
  bool m_shutting_down{false};
  uint64_t m_logical_now{0};  // deterministic clock
  uint32_t m_executing{0};    // deterministic: tasks running user code
  bool m_held{false};         // deterministic: no scheduling decisions (Machine::pause)
  hb_task_id_t m_rr_last{0};  // deterministic round robin: last task picked
  uint64_t m_rng{0};          // deterministic random picks (splitmix64 state)
  // Atomic: set_timer runs in core-side syscalls too (a blocking call with a timeout).
  std::atomic<uint64_t> m_timer_deadline{UINT64_MAX};
  std::atomic<uint64_t> m_timer_sleeps_until{0};  // the timer thread waits until then (0: awake)
  bool m_timer_stop{false};
  std::condition_variable_any m_timer_cv;

  // Monitor.
  int m_epoll{-1};
  int m_monitor_event{-1};
  std::atomic<bool> m_monitor_stop{false};

  // Spawner (its own small lock: fork happens while the kernel lock is held elsewhere).
  struct SpawnRequest {
    const char* image{nullptr};
    const std::vector<std::string>* args{nullptr};  // argv[1..] of an exec
    int memfd{-1};
    const Machine::TaskBody* body{nullptr};  // start_function: fork without exec
    int cpu{-1};                             // pin the child there (placement)
    pid_t pid{-1};
    int error{0};
    bool done{false};
  };
  std::mutex m_spawn_mutex;
  std::condition_variable m_spawn_cv;
  SpawnRequest* m_spawn_request{nullptr};
  bool m_spawn_stop{false};
  std::vector<std::string> m_environment;  // the emulator's environment + HARBOR_CHANNEL_FD

  std::thread m_monitor;
  std::thread m_timer;
  std::thread m_spawner;

  friend class Locked;
  friend class CoreLocked;
};

}  // namespace hosted::detail
