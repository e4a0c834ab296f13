// hosted/machine.h - a hosted Harbor machine: the kernel in this process, every task a real
// Linux process. This is the whole interface harbor-emu (emulator/) and Harbor::testing use.
//
// Contract (the implementation lives in arch/hosted/*.cc):
//  - Machine owns one kernel::Kernel. Every method is thread-safe (takes the kernel lock).
//  - start() runs a program as a new root task; its start message (in its inbox, sender 0)
//    carries `args` as bytes: each argument followed by a NUL, and `handles` as handles.
//  - Tasks are processes started with fork+exec (fork alone for start_function; the caller's
//    own process for attach_self); each is tied to its emulated core; the
//    emulator notices their death (pidfd), and they die with the emulator (PR_SET_PDEATHSIG).
//  - Console output of tasks (hb_debug_write) goes to the console sink, tagged by task.
#pragma once

#include <harbor/sys.h>
#include <kernel/kernel.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace hosted {

struct MachineOptions {
  uint32_t cores{0};           // emulated cores; 0 = the host's count
  bool deterministic{false};   // the emulator schedules tasks at syscall boundaries
  uint64_t seed{0};            // with deterministic: 0 = round robin, else random order
  bool trace{false};           // record kernel trace events
  // Placement: emulated core i runs on host CPU host_cpus[i % host_cpus.size()]. The
  // processes of its tasks (from before their exec) and their serving threads are pinned
  // there with sched_setaffinity. Empty (the default): the CPUs this process may run on
  // when the machine starts, in order, so on a 2-CPU host tasks of cores 0 and 1 get a CPU
  // each. A negative entry, or a CPU the process may not use, leaves that core unpinned.
  // The attach_self task (the caller's own thread) is never pinned.
  std::vector<int> host_cpus{};
  // Wake-up policy (docs/design.md, hosted channel): only a task whose call *blocked*
  // ever spins, waiting for the answer another task's serving thread will write, and only
  // when placement gives it a host CPU no other task is pinned to (its peers then run on
  // other CPUs; its own serving thread sleeps). It busy-waits up to spin_ns (0: the default,
  // 50 us, about twice the cost of waking a halted vCPU) and then sleeps. Everyone else
  // sleeps at once: a waiter that shares its CPU with the thread it waits for would only
  // delay it. spin = false: nobody ever spins.
  uint32_t spin_ns{0};
  bool spin{true};
  // Serving threads try the common IPC syscalls on the core side of the kernel lock first
  // (kernel/kernel_lock.h; docs/design.md §3c). false: every syscall takes the whole kernel,
  // as before the lock was split (the benchmark percore/harbor-whole-kernel compares).
  bool core_side{true};
  kernel::KernelConfig kernel{};
  // The name service (SPEC 7; kernel.h "name-service-bootstrap"). When set, the machine
  // starts it before anything else as the system task (id Kernel::kSystemTaskId, named
  // "names", core 0), like Machine::start_function: a fork of this process that calls
  // name_server(channel_fd); its own handle HB_NAME_SERVICE is the receive right of the name
  // service's port. Every task started later has HB_NAME_SERVICE. The system task is
  // a daemon: wait_all does not wait for it, the placement's spin policy ignores it, and the
  // machine kills it last. harbor-emu and Harbor::testing set it to
  // harbor::runtime::name_server_task (userland/runtime/hosted/name_server_task.h).
  std::function<int(int channel_fd)> name_server{};
};

// What a task printed with hb_debug_write. Called with the kernel lock held, from whichever
// machine thread serves that task: it must not call back into the Machine.
using ConsoleSink = std::function<void(hb_task_id_t task, const std::string& name,
                                       const std::string& text)>;

class Machine {
 public:
  explicit Machine(const MachineOptions& options);
  ~Machine();  // kills every task still running and waits for the processes
  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;

  // Starts `program` (an executable path) as a root task on `core` (UINT32_MAX: the machine
  // picks, round robin). `handles` are kernel capabilities made with make_port() etc. and
  // are moved into the start message (on failure they are closed: nothing leaks). Returns
  // the task id, or an HB_ERR_* status (HB_ERR_NOT_FOUND: not an executable file).
  struct Started {
    hb_status_t status;
    hb_task_id_t task;
  };
  Started start(const std::string& program, const std::vector<std::string>& args,
                uint32_t core = UINT32_MAX, std::vector<kernel::Capability> handles = {});

  // Makes a port owned by the machine (not by a task), for wiring a scenario: returns the
  // receive and send capabilities, to be passed to start().
  struct PortCaps {
    hb_status_t status;
    kernel::Capability recv;
    kernel::Capability send;
  };
  PortCaps make_port(uint32_t mode, uint32_t capacity, uint32_t flags);
  // A grant region of `size` bytes (rounded up to pages; HB_ERR_INVALID_ARG for 0 or above
  // 256 MiB) and a semaphore (HB_ERR_INVALID_ARG unless 1 <= max and initial <= max), owned
  // by the machine like make_port's ports, for wiring a scenario. The capability has every
  // right a creating task would get; pass reduced copies to start() (a read-only region
  // grant: no HB_RIGHT_WRITE) and close() this one. arch/hosted/machine_objects.cc.
  struct ObjectCap {
    hb_status_t status;
    kernel::Capability cap;
  };
  ObjectCap make_region(uint64_t size);
  ObjectCap make_semaphore(uint32_t initial, uint32_t max);
  // Drops a capability made by make_port() that will not be passed to start().
  void close(kernel::Capability& cap);
  // Another capability to the same object with the same rights and badge (e.g. one send
  // capability per task that sends to a port). Empty for the receive right of a port that
  // is not HB_PORT_SHARED_RECV (a port has exactly one).
  kernel::Capability duplicate(const kernel::Capability& cap);

  // Waits until task `task` has exited (and collects it); returns its exit code (minus the
  // signal number when a signal killed it), or HB_ERR_TIMED_OUT after `timeout_ns`, or
  // HB_ERR_NOT_FOUND for an id never started or already collected. "Exited" means the
  // kernel forgot the task and its process is reaped. Works for any task, root or not.
  struct Exit {
    hb_status_t status;
    int32_t code;
  };
  Exit wait(hb_task_id_t task, uint64_t timeout_ns = UINT64_MAX);
  // Waits until no task is left running (but the attach_self task, the caller's own).
  // Returns false on timeout.
  bool wait_all(uint64_t timeout_ns = UINT64_MAX);
  // Sends SIGKILL to the task's process (for tests of failure handling). False for a task
  // that is not running, and for the task of attach_self (this process).
  bool kill(hb_task_id_t task);

  // ---- Tasks that are not executables (for Harbor::testing, userland/testing) ----------
  //
  // start_function: like start(), but the task runs a function of this program. The spawner
  // thread forks (no exec: the child is a copy of this process, so `body` sees copies of
  // everything it captured); the child drops the machine's descriptors and the channel
  // pages of the other tasks, then calls body(channel_fd), which must attach a task runtime
  // to the channel memfd at channel_fd (harbor::runtime::attach_channel) and run the task;
  // what it returns is the exit code (0..255; a body that calls hb_task_exit carries any
  // int32_t). `name` names the task in traces and on the console. The child may not start
  // threads (ThreadSanitizer refuses them after a fork of a multi-threaded process).
  using TaskBody = std::function<int(int channel_fd)>;
  Started start_function(TaskBody body, const std::string& name, uint32_t core = UINT32_MAX,
                         std::vector<kernel::Capability> handles = {});

  // attach_self: makes the calling process a task of this machine (the test body of a
  // test). Its user memory is this process (copies use process_vm_readv/writev on
  // getpid()); it has a channel and a serving thread like any task, but it has no start
  // message, is never signalled and is not watched for death. Returns its id and a new
  // descriptor of its channel's memfd, to pass to harbor::runtime::attach_channel (the
  // caller closes it). HB_ERR_INVALID_ARG if this machine has such a task already.
  // Deterministic mode: this task runs user code (is "executing") until its next syscall,
  // like any task, so nothing else is scheduled meanwhile; while the thread that attached
  // it is inside wait() or wait_all() it counts as blocked instead.
  struct Attached {
    hb_status_t status;
    hb_task_id_t task;
    int channel_fd;
  };
  Attached attach_self(const std::string& name = "self");
  // Ends the task of attach_self as if it had exited with `code`: the kernel reclaims its
  // handles and wakes its peers; a syscall it is blocked in (on another thread) returns
  // at once (the runtime answers HB_ERR_PEER_CLOSED once its channel says Dead). Safe from
  // any thread; does nothing without such a task. The destructor does it too.
  void detach_self(int32_t code = 0);

  // Deterministic mode: the scheduler starts *held*, so that tasks started one after the
  // other all exist before any of them runs a syscall (otherwise how fast the caller calls
  // start() would decide the interleaving). resume() lets it go; so does the first wait()
  // or wait_all(). pause() holds it again (e.g. before starting a second batch of tasks).
  // Both do nothing in the ordinary mode.
  void pause();
  void resume();

  void set_console(ConsoleSink sink);
  // Called with the kernel lock held each time a task starts (its name and inbox exist, it
  // has not run yet), from whichever thread starts it: it must not call back into the
  // Machine. harbor-emu's observer names every task this way, however short its life.
  using TaskStartSink = std::function<void(kernel::Task& task)>;
  void set_task_start_sink(TaskStartSink sink);
  // Hands every trace record recorded so far to `sink`, oldest first.
  void drain_trace(const std::function<void(const kernel::TraceRecord&)>& sink);
  // Runs fn with the kernel lock held (for statistics and wiring).
  void with_kernel(const std::function<void(kernel::Kernel&)>& fn);

  uint32_t cores() const;
  const MachineOptions& options() const;

 private:
  void start_name_server();  // MachineOptions::name_server

  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace hosted
