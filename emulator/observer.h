// emulator/observer.h - watches a running machine: drains its trace, learns task names, and
// keeps what --stats reports after the tasks are gone.
//
//   Machine --drain_trace (every 5 ms, and at the end)--> records (sorted by sequence)
//           --with_kernel: for_each_task (same rhythm)-->  names, and a retain() on every
//                                                          Task and inbox Port it sees
// Root tasks are reaped the moment they exit, so statistics are read from Task and Port
// objects the observer keeps alive with a reference (released in finish()). A task that
// lived less than one poll interval is only in the trace (see /work/notes/emu-needs.md A.1).
// Each poll also reads the new records for tasks killed by a signal (deaths.h) and, if told
// where, reports each there in one line as it happens.
#pragma once

#include "deaths.h"
#include "stats.h"
#include "trace_export.h"

#include <hosted/machine.h>

#include <condition_variable>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

namespace kernel {
class KernelObject;
class Port;
class Task;
}  // namespace kernel

namespace emu {

class Observer {
 public:
  explicit Observer(hosted::Machine& machine);
  ~Observer();  // finish()es if not done yet
  Observer(const Observer&) = delete;
  Observer& operator=(const Observer&) = delete;

  // Where to write "harbor-emu: task 3 (worker) killed by SIGSEGV" lines (deaths.h), as
  // polls find them; nullptr (the default): nowhere. Call before start().
  void report_deaths_to(std::ostream* out) { m_death_out = out; }

  // Starts polling in a thread.
  void start();
  // One poll now (drain the trace, learn new tasks). Thread-safe.
  void poll();
  // Stops polling, polls once more, reads the statistics, releases every reference.
  void finish();

  // A scenario task or port: names used in traces, statistics and messages.
  void name_task(hb_task_id_t id, const std::string& name);
  void name_port(const kernel::Capability& port, const std::string& name);
  // A scenario's region or semaphore: `label` ("region shelf") names it in traces and
  // messages, and --stats lists it (the observer keeps it alive until finish()).
  void name_object(const kernel::Capability& object, const std::string& label);

  // Records drained so far, in sequence order, and the names to print them with.
  std::vector<kernel::TraceRecord> records();
  size_t record_count();
  TraceNames names();
  uint64_t lost();

  // The signal that killed task `id`, which ended with `code`, or 0 if it exited (poll() first).
  // If the trace lost its records, a code in -64..-1 is taken for a signal (the hosted
  // convention), as if the task had not chosen it.
  int killed_by(hb_task_id_t id, int32_t code);

  // After finish(): the statistics.
  const StatsReport& stats() const { return m_report; }

 private:
  void poll_locked_kernel(kernel::Kernel& k);
  // Takes in a task the machine just started (Machine::set_task_start_sink); m_mutex and the
  // kernel lock held.
  void adopt_task(kernel::Task& t, kernel::Port* inbox);
  void read_stats(kernel::Kernel& k);
  void label_inbox(hb_task_id_t id);  // m_mutex held
  // "worker", else the kernel's name for it, else "child of spawner[1]"; m_mutex and the
  // kernel lock held.
  std::string who_died(kernel::Kernel& k, const DeathWatch::Death& death);

  hosted::Machine& m_machine;
  // Tasks started since the last poll, each retained (with its inbox) by the machine's task
  // start sink under the kernel lock: a task that ends before the next poll still gets its
  // name and inbox label, the same in every --deterministic run. Its own lock, taken last.
  std::mutex m_started_mutex;
  std::vector<std::pair<kernel::Task*, kernel::Port*>> m_started;
  std::mutex m_mutex;  // guards everything below
  std::condition_variable m_stop_cv;
  bool m_stop{false};
  bool m_finished{false};
  std::thread m_thread;
  std::vector<kernel::TraceRecord> m_records;
  bool m_sorted{true};
  TraceNames m_names;
  std::map<hb_task_id_t, std::string> m_scenario_names;
  std::map<hb_task_id_t, kernel::Task*> m_tasks;  // retained
  std::vector<std::pair<kernel::Port*, std::string>> m_ports;  // retained, with labels
  std::map<kernel::Port*, bool> m_port_seen;
  std::map<hb_task_id_t, size_t> m_inboxes;  // task -> index in m_ports
  std::vector<std::pair<kernel::KernelObject*, std::string>> m_objects;  // retained, labelled
  StatsReport m_report;
  DeathWatch m_deaths;
  std::ostream* m_death_out{nullptr};
};

}  // namespace emu
