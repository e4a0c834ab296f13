// userland/testing/machine_impl.h - harbor::testing::Machine's private state (not installed).
//
//   testing::Machine --m_impl--> Impl --machine--> hosted::Machine (the kernel, its threads)
//                                  |--tasks-----> what each task is (name, kind, exit code)
//                                  |--trace-----> kernel trace records drained so far
//                                  |--console---> what tasks printed
//                                  '--watchdog--> a thread that ends an overlong test
//
// Two locks, and one rule that keeps them from ever deadlocking with the kernel lock:
//   console_mutex  taken by the console sink, which the machine calls with the kernel lock
//                  held; nothing else is done under it.
//   mutex          guards tasks, trace, names; never held while calling the machine.
#pragma once

#include <harbor/testing.hpp>
#include <hosted/machine.h>
#include <kernel/trace.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace harbor::testing {

struct Machine::Impl {
  struct TaskRecord {
    std::string name;
    const char* kind{""};  // "test body", "function", "program"
    bool ended{false};     // its exit code is known (collected from the machine)
    int32_t code{0};
  };

  Options options;
  std::unique_ptr<hosted::Machine> machine;
  hb_task_id_t self{0};

  mutable std::mutex mutex;
  std::map<hb_task_id_t, TaskRecord> tasks;
  std::map<uint64_t, std::string> object_names;  // koid -> "inbox of server[2]"
  std::deque<kernel::TraceRecord> trace;          // at most kTraceKept, oldest first
  static constexpr size_t kTraceKept = 200000;

  mutable std::mutex console_mutex;
  std::string console;

  std::mutex watchdog_mutex;
  std::condition_variable watchdog_cv;
  bool watchdog_stop{false};
  std::atomic<bool> watchdog_fired{false};
  std::string watchdog_report;  // written before watchdog_fired is set
  std::thread watchdog;

  bool reported{false};  // a failure already carried the report (test thread only)

  // ---- report.cc ----
  // Appends what the kernel traced since the last drain to `trace`.
  void drain_trace();
  // "server[2]"; "task[7]" for a task this machine did not start (hb_task_spawn).
  std::string task_label(hb_task_id_t id);
  // Labels the inbox of `id` in traces ("inbox of server[2]"), while the task is alive.
  void name_inbox(hb_task_id_t id);
  // The exit codes of tasks that have ended, collected without waiting.
  void collect_exits();
  std::string report();
  std::string trace_text();

  // ---- testing_machine.cc ----
  // Takes `handles` out of the test body's handle table, all or none (a failure names the
  // first that cannot move). False if one cannot.
  bool take_handles(const std::vector<hb_handle_t>& handles, const char* what,
                    std::vector<kernel::Capability>* out);
  void record(hb_task_id_t id, std::string name, const char* kind);
  void watch(std::chrono::milliseconds limit);
  void kill_all();  // every task but the test body (SIGKILL)
};

// child.cc: runs in the child of a spawned function: attaches the runtime to the task's
// channel at `channel_fd`, runs fn with its start message, ends the task with its code.
int run_function_task(const std::function<int(const Start&)>& fn, const std::string& name,
                      int channel_fd);

}  // namespace harbor::testing
