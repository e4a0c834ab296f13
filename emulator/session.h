// emulator/session.h - one harbor-emu run: a machine, its console, its observer, and what
// is printed after the tasks are done (traces, statistics, failure explanations).
//
// Member order is lifetime order: the console outlives the machine (whose tasks may still
// print while it shuts down), the observer dies first (it holds references into the kernel).
#pragma once

#include "console.h"
#include "observer.h"
#include "options.h"
#include "runner.h"

#include <hosted/machine.h>

#include <condition_variable>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

namespace emu {

// What one live task was doing when a run timed out, and whom it waits for (--report-json).
struct TaskWait {
  hb_task_id_t id{0};
  std::string name;                    // "ping[1]"
  std::string kind;                    // running, send, receive, reply, semaphore, child
  std::string object;                  // "port a", "semaphore mutex", "inbox of b[2]", ""
  bool has_deadline{false};            // a timeout will wake it: not stuck for good
  bool anyone{false};                  // waits on its inbox: any task may wake it
  std::vector<hb_task_id_t> waits_for; // tasks holding what would wake it
};

class Session {
 public:
  // `default_cores` applies when --cores was not given (0: the host's count);
  // `force_deterministic`: the showcase always is.
  Session(const EmulatorOptions& options, uint32_t default_cores, bool force_deterministic,
          std::ostream& out);
  ~Session();

  hosted::Machine& machine() { return m_machine; }
  Console& console() { return m_console; }
  Observer& observer() { return m_observer; }
  std::ostream& out() { return m_out; }
  const EmulatorOptions& options() const { return m_options; }

  // "2 cores, deterministic (seed 0)" / "4 cores, real time".
  std::string describe_machine();

  // Explains a failed or timed-out run: problems, how to repeat it, the trace tail, a hint.
  void explain_failure(const ScenarioResult& result);

  // Stops observing and writes the trace (--trace) and the statistics (--stats).
  // Returns false if the trace file could not be written (reported on stderr).
  bool finish();

  // --report-json FILE (exercises/grade reads it). capture_waits() reads what every live task
  // waits on and who holds what would wake it (a wait-for graph), while a timed-out run's
  // tasks are still blocked: call it before finish(). write_report() after finish(); returns
  // false if FILE could not be written (reported on stderr). Does nothing without the option.
  void capture_waits();
  bool write_report(const char* command, const ScenarioResult& result, int exit_code);

  // --stop-on-deadlock: a watcher thread (started by the constructor) looks every 20 ms;
  // once every live user task is stuck for good it reads their waits (as capture_waits
  // does) and kills them, so the run ends at once. True once it did; then
  // deadlock_summary() is "left[1] -> right[2] -> left[1]" (or the stuck tasks).
  bool stopped_on_deadlock();
  std::string deadlock_summary();

 private:
  static hosted::MachineOptions machine_options(const EmulatorOptions& options,
                                                uint32_t default_cores, bool deterministic);

  const EmulatorOptions& m_options;
  std::ostream& m_out;
  Console m_console;
  hosted::Machine m_machine;
  Observer m_observer;
  bool m_finished{false};
  std::vector<TaskWait> m_waits;            // capture_waits()
  std::vector<hb_task_id_t> m_stuck;        // tasks that can never run again (a deadlock)
  std::vector<hb_task_id_t> m_cycle;        // a wait-for cycle among them, if any

  void watch_for_deadlock();                // the watcher thread's body
  void stop_watching();
  std::mutex m_watch_mutex;                 // guards the three below, and m_waits..m_cycle
  std::condition_variable m_watch_cv;       //   once the watcher runs
  bool m_watch_stop{false};
  bool m_stopped_on_deadlock{false};
  std::thread m_watcher;
};

}  // namespace emu
