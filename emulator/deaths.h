// emulator/deaths.h - which tasks died of a signal, told from the kernel's trace, and the
// line harbor-emu prints on stderr for each:
//     harbor-emu: task 3 (worker) killed by SIGSEGV
//
// The kernel records every end of a task alike: a TaskExit record with the exit code.
// Hosted, a task killed by a signal ends with minus the signal (arch/hosted/monitor.cc); but
// a task may also end with a negative code it chose, through hb_task_exit (returning it
// from main goes there too: userland/runtime/hosted/exit.cc). The trace tells them apart:
//   (1) a task that chose its code entered the task_exit syscall just before its TaskExit;
//   (2) a killed task did not: task_exit never returns, and a task blocked in any other
//       syscall is killed from outside, by the host.
// So a TaskExit with a code in -64..-1 whose task's last syscall was not task_exit is a
// death by signal -code. Should the ring lose the records of a task (--stats says how many
// were lost), how it ended is Unknown, and callers fall back on the sign of the code.
#pragma once

#include <harbor/sys.h>
#include <kernel/trace.h>

#include <map>
#include <span>
#include <string>
#include <vector>

namespace emu {

class DeathWatch {
 public:
  struct Death {
    hb_task_id_t task;
    hb_task_id_t parent;  // from its TaskStart record; 0 for a root task or if not seen
    int signal;
  };

  // Reads records in sequence order (a later call continues where the last one ended) and
  // returns the deaths by signal among them.
  std::vector<Death> feed(std::span<const kernel::TraceRecord> records);

  // How `task` ended, as far as the records fed so far say. Killed: `*signal` is set.
  enum class End { Unknown, Exited, Killed };
  End end_of(hb_task_id_t task, int* signal) const;

 private:
  std::map<hb_task_id_t, uint16_t> m_last_syscall;  // tasks still running
  std::map<hb_task_id_t, hb_task_id_t> m_parent;    // tasks still running
  std::map<hb_task_id_t, int> m_ends;               // ended: the signal, or 0 for an exit
};

// "SIGSEGV"; "signal 77" for a number without a name.
std::string signal_name(int signal);

// "harbor-emu: task 3 (worker) killed by SIGSEGV" (`who` is "worker"; empty: no name).
std::string death_line(hb_task_id_t task, const std::string& who, int signal);

}  // namespace emu
