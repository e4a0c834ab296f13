// emulator/console.h - what tasks print (hb_debug_write), line by line, with their names.
//
// The machine hands us text as each task writes it, in arbitrary pieces. The console keeps a
// partial line per task and prints whole lines as
//     <indent><name>: <text>
// (or the bare text for the one task `exec` runs), and remembers everything each task
// printed, for a scenario's `expect output`.
#pragma once

#include <harbor/sys.h>

#include <map>
#include <mutex>
#include <ostream>
#include <string>

namespace emu {

class Console {
 public:
  explicit Console(std::ostream& out, std::string indent = {}) : m_out(out), m_indent(std::move(indent)) {}

  // The sink for hosted::Machine::set_console. Thread-safe; takes only the console's own
  // mutex, so it may be called with the kernel lock held (and set_name too).
  void write(hb_task_id_t task, const std::string& kernel_name, const std::string& text);

  void set_name(hb_task_id_t task, const std::string& name);
  void set_bare(hb_task_id_t task);  // print this task's lines without a name
  void set_indent(std::string indent);
  void set_quiet(bool quiet);          // remember, but print nothing

  // Prints every partial line left (a task that ended without a newline).
  void flush();
  // Everything `task` printed so far.
  std::string output_of(hb_task_id_t task);

 private:
  void print_line_locked(hb_task_id_t task, const std::string& name, const std::string& line);

  std::mutex m_mutex;
  std::ostream& m_out;
  std::string m_indent;
  bool m_quiet{false};
  hb_task_id_t m_bare{0};
  std::map<hb_task_id_t, std::string> m_names;         // set_name: the scenario's names
  std::map<hb_task_id_t, std::string> m_kernel_names;  // as the machine reported them
  std::map<hb_task_id_t, std::string> m_partial;  // text after the last newline
  std::map<hb_task_id_t, std::string> m_all;
};

}  // namespace emu
