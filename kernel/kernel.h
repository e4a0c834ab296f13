// kernel/kernel.h - the kernel: the task table, the clock of deadlines, the syscall entry.
//
// How an arch drives it (hosted: emulator/ and arch/hosted/; tests: arch/test/):
//   1. boot:    Kernel kernel(config); kernel.lock().set_cores(n);
//               kernel.spawn_root("init", ...) with kernel.lock() held;
//   2. syscall: the core side first (kernel/kernel_lock.h), c = arch::current_core():
//                 kernel.lock().lock_core(c); r = kernel.syscall_core_side(task, number, args);
//                 kernel.lock().unlock_core(c);
//               and if r == kNeedsWholeKernel (nothing happened):
//                 kernel.lock().lock(); r = kernel.syscall(task, number, args); unlock().
//               (An arch may always take the whole kernel and call syscall(): x86-64 does.)
//               r == kBlocked: the task stays stopped until arch::task_resume(ctx, value);
//               otherwise r goes back to the task as the syscall's return value.
//   3. time:    arch::timer_set(deadline) asks to be called back; then, with the whole
//               kernel locked, kernel.expire_deadlines(arch::clock_ns()).
//   4. death:   a task that dies outside a syscall (crash, kill -9) is reported with
//               kernel.task_died(task, code), whole kernel locked: everything it owned is
//               reclaimed.
#pragma once

#include <arch/cpu.h>
#include <arch/lock.h>
#include <harbor/abi/syscalls.h>
#include <harbor/sys.h>
#include <kernel/deadline_heap.h>
#include <kernel/kernel_lock.h>
#include <kernel/kmem_cache.h>
#include <kernel/lib/result.h>
#include <kernel/message.h>
#include <kernel/quota.h>
#include <kernel/task.h>
#include <kernel/trace.h>

#include <cstdint>

namespace kernel {

// The value of a syscall that blocked: its real result arrives later via arch::task_resume.
constexpr int64_t kBlocked = INT64_MIN;
// The value of syscall_core_side() for a syscall that needs the whole kernel locked.
constexpr int64_t kNeedsWholeKernel = to_status(Error::NeedsWholeKernel);

struct KernelConfig {
  QuotaLimits quota{};          // every task's limits
  uint32_t inbox_capacity{64};  // HB_INBOX is a bounded port of this capacity
  // Message buffers through per-core caches (kernel/kmem_cache.h). Off by default so that
  // unit tests see every buffer come and go on the arch heap; harbor-emu turns it on.
  bool per_core_caches{false};
};

// What the kernel did, counted (harbor-emu --stats; per-round-trip figures in
// docs/performance.md, checked by tests/unit/fast_path_test.cc). Kept per core (each core
// counts under its own lock, on its own cache lines); Kernel::stats_total() adds them up.
struct KernelStats {
  uint64_t tasks_created{0};
  uint64_t tasks_alive{0};
  uint64_t syscalls{0};
  uint64_t messages_sent{0};
  uint64_t messages_received{0};
  uint64_t bytes_copied{0};     // payload bytes delivered to receivers
  uint64_t blocks{0};
  uint64_t wakeups{0};          // blocked tasks resumed (Kernel::resume)
  uint64_t objects_alive{0};    // kernel objects not yet destroyed
  // Kernel entries: syscall(), syscall_core_side(), expire_deadlines(), task_died(). The
  // arch takes the kernel lock (one side of it) once per entry: these are its acquisitions.
  uint64_t kernel_entries{0};
  uint64_t core_side{0};        // ... of which syscalls that ran on the core side only
  uint64_t whole_kernel_retries{0};  // core-side syscalls that had to run again whole
  uint64_t user_copies{0};      // arch copies to, from or between task memories (any size)
  uint64_t payload_copies{0};   // ... of them, copies of message bytes (into a kernel
                                // buffer, out of one, or task to task on the fast path)
  uint64_t payload_bytes{0};    // bytes moved by payload_copies
  uint64_t fast_path{0};        // messages handed straight from sender to receiver
};

class Kernel {
 public:
  static constexpr uint32_t kMaxTasks = DeadlineHeap::kCapacity;

  explicit Kernel(const KernelConfig& config = {});
  ~Kernel();  // kills every task that is left
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  KernelLock& lock() { return m_lock; }
  const KernelConfig& config() const { return m_config; }

  // Starts `image` as a task with no parent on `core` (UINT32_MAX: the arch picks). `start`
  // (len bytes) and `caps` (moved in; emptied on success, untouched on failure) are queued
  // in its inbox as the first message, sent by task id 0 ("the kernel"). Lock held.
  Result<Task*> spawn_root(const char* image, const void* start, uint32_t len,
                           Capability* caps = nullptr, uint32_t cap_count = 0,
                           uint32_t core = UINT32_MAX);

  // ---- The name service (SPEC 7; docs/names.md) -------------------------------------------
  // DOC: name-service-bootstrap
  // The name server is a user task like any other; the kernel only helps every task find it,
  // as it helps every task find its inbox (Mach calls this the bootstrap port):
  //   (1) the machine makes a port (make_port) and starts the server with spawn_system(),
  //       which installs the port's receive right in the server's table as handle
  //       HB_NAME_SERVICE: the server's own handle 2 is the service's receive side. (Not in
  //       its start message: a receive right in transit would refuse, until the server took
  //       it, every message that carries another receive right, ipc_send.cc
  //       no-receive-cycles, such as hb_mailbox_open's);
  //   (2) set_name_service(send) gives the kernel a send capability to that port;
  //   (3) every task created from then on gets a copy (HB_RIGHT_SEND | HB_RIGHT_DUP) as
  //       handle HB_NAME_SERVICE, which it cannot close (Task::try_create).
  // The server holds the one receive right: if it dies, the port dies, and every call to it
  // fails with HB_ERR_PEER_CLOSED.
  //
  // (1) Starts the system task: spawn_root with the reserved task id kSystemTaskId (so that
  // user tasks keep the ids 1, 2, 3, ...), a handle quota big enough for a name per handle,
  // an empty start message, and `service_recv` (moved in) as its handle HB_NAME_SERVICE.
  Result<Task*> spawn_system(const char* image, Capability& service_recv,
                             uint32_t core = UINT32_MAX);
  // (2) Lock held; `send` is moved in (the kernel keeps it until it is destroyed).
  void set_name_service(Capability& send);
  const Capability& name_service() const { return m_name_service; }
  // The id of the one system task: slot 0 of the task table, which no other id uses
  // before the 4096th task (allocate_task_id skips ids whose slot is taken).
  static constexpr hb_task_id_t kSystemTaskId = DeadlineHeap::kCapacity;
  static constexpr uint32_t kSystemTaskHandles = 24576;  // names, waiters, lifelines

  // One syscall of `task`, the whole kernel locked. Returns its value, or kBlocked.
  int64_t syscall(Task& task, uint32_t number, const uint64_t args[6]);
  // The same syscall with only the calling core's lock held (arch::current_core()). Returns
  // kNeedsWholeKernel, having changed nothing, when it is not one of the common IPC
  // syscalls or meets something only the whole kernel may do (kernel_lock.h).
  int64_t syscall_core_side(Task& task, uint32_t number, const uint64_t args[6]);
  // Is `number` one of the syscalls syscall_core_side() tries? (An arch may skip the core
  // side for the others.)
  static bool may_run_core_side(uint32_t number);
  // Is the syscall running on this core a core-side one? (The IPC path asks before it
  // does what only the whole kernel may do, and gives up with NeedsWholeKernel.)
  bool core_side() const { return m_per_core[arch::current_core()].core_side; }

  // `task` is gone (crashed, killed, its process ended). Reclaims everything. Lock held.
  void task_died(Task& task, int32_t code);

  // Makes a port owned by no task (boot wiring: harbor-emu scenarios, test fixtures) and
  // capabilities to both ends; the caller passes them on with spawn_root or drops them with
  // capability_drop. Lock held.
  Status make_port(uint32_t mode, uint32_t capacity, uint32_t flags, Capability* recv,
                   Capability* send);

  // Wakes every task whose deadline is <= now with HB_ERR_TIMED_OUT. Lock held.
  void expire_deadlines(uint64_t now);
  uint64_t next_deadline() const;

  Task* find_task(hb_task_id_t id) const;  // a live or zombie task, or nullptr
  uint32_t task_count() const { return m_task_count; }
  // Calls fn(Task&) for every task in the table.
  template <typename Fn>
  void for_each_task(Fn&& fn) const {
    for (uint32_t i = 0; i < kMaxTasks; ++i)
      if (m_tasks[i]) fn(*m_tasks[i]);
  }

  Trace& trace() { return m_trace; }
  KmemCache& caches() { return m_caches; }
  // This core's counters (to count into); stats_total() for everything counted so far.
  KernelStats& stats() { return m_per_core[arch::current_core()].stats; }
  KernelStats stats_total() const;
  uint64_t next_koid() { return __atomic_add_fetch(&m_koids, 1, __ATOMIC_RELAXED); }

  // --- used by the syscall implementations (kernel/sys_*.cc, kernel/ipc_*.cc) ---
  // Blocks `task` with the wait already described in task.wait(); arms its deadline.
  void block(Task& task, uint64_t timeout);
  // Ends `task`'s wait: disarms its deadline and resumes it with `result`.
  void wake(Task& task, int64_t result);
  // Takes a blocked task out of its wait as a timeout would, resuming it with `result`
  // (an arch that must end a task on its own core makes it run there: hb_task_kill on
  // x86-64). Does nothing to a task that is not blocked. Lock held.
  void interrupt(Task& task, int64_t result);
  // Undoes a blocked task's wait without resuming it (timeout, death): unlinks it from the
  // queue it sits on and frees what the wait held. Returns nothing; task becomes Running.
  void cancel_wait(Task& task);
  // A message nobody will receive (its port died): destroyed at the end of the current
  // kernel entry, iteratively, because destroying it can kill more ports.
  void discard(Message* message);
  void flush_discarded();
  hb_task_id_t peek_next_task_id() const;
  // The three steps of making a task: a table slot and objects, then the arch starts it.
  Result<Task*> new_task(Task* parent, bool system = false);
  // `args`: the start message's bytes, handed to the arch for the program's argv.
  Status start_task(Task& task, Task* parent, const char* image, uint32_t core,
                    const char* args = nullptr, uint32_t args_len = 0);
  void forget_new_task(Task& task);  // undoes new_task() when start_task() failed
  // hb_task_wait: copy the child's exit code out and reap it (false: the pointer faulted).
  bool collect_exit_code(Task& parent, Task& child, uint64_t user_code);
  // Ends `task` with `code`: frees its objects, wakes its peers, reports to its parent.
  void exit_task(Task& task, int32_t code);

 private:
  hb_task_id_t allocate_task_id();
  // spawn_root and spawn_system.
  Result<Task*> spawn(const char* image, const void* start, uint32_t len, Capability* caps,
                      uint32_t cap_count, uint32_t core, bool system);
  int64_t dispatch(Task& task, uint32_t number, const uint64_t args[6]);
  void reap(Task& task);  // a zombie nobody will wait for: forget it
  void end_wait(Task& task);                 // leaves the deadline heap, clears the wait
  void resume(Task& task, int64_t result);   // hands the result to the arch
  void finish_child_wait(Task& parent, Task& child);
  int64_t run_syscall(Task& task, uint32_t number, const uint64_t args[6], bool counted);

  // What each core writes on its own, under its own lock, on cache lines of its own.
  struct alignas(64) PerCore {
    KernelStats stats;
    uint32_t current_syscall{0};  // the syscall being served (for Block trace records)
    bool core_side{false};        // it runs on the core side of the kernel lock
  };

  KernelConfig m_config;
  KernelLock m_lock;
  Task* m_tasks[kMaxTasks]{};
  uint32_t m_task_count{0};
  hb_task_id_t m_last_task_id{0};
  DeadlineHeap m_deadlines;
  // Core-side syscalls on different cores may block with a deadline, or wake a task that
  // has one, at the same time: the heap has a lock of its own (taken last, held briefly).
  mutable arch::Lock m_deadline_lock;
  Trace m_trace;
  KmemCache m_caches;
  PerCore m_per_core[arch::kMaxCores];
  uint64_t m_koids{0};  // atomic
  IntrusiveList<Message, &Message::m_queue_node> m_discarded;
  Capability m_name_service;  // set_name_service(); copied into every new task
};

}  // namespace kernel
