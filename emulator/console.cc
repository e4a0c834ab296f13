// emulator/console.cc - see console.h.
#include "console.h"

#include "examples_dir.h"

namespace emu {

void Console::write(hb_task_id_t task, const std::string& kernel_name, const std::string& text) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_all[task] += text;
  m_kernel_names[task] = base_name(kernel_name);  // the kernel's name is the image path
  auto named = m_names.find(task);
  const std::string name = named != m_names.end() ? named->second : m_kernel_names[task];
  std::string& partial = m_partial[task];
  partial += text;
  size_t newline;
  while ((newline = partial.find('\n')) != std::string::npos) {
    print_line_locked(task, name, partial.substr(0, newline));
    partial.erase(0, newline + 1);
  }
}

void Console::print_line_locked(hb_task_id_t task, const std::string& name,
                                const std::string& line) {
  if (m_quiet) return;
  if (task != 0 && task == m_bare) m_out << line << '\n';
  else m_out << m_indent << name << ": " << line << '\n';
  m_out.flush();
}

void Console::set_name(hb_task_id_t task, const std::string& name) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_names[task] = name;
}

void Console::set_bare(hb_task_id_t task) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_bare = task;
}

void Console::set_indent(std::string indent) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_indent = std::move(indent);
}

void Console::set_quiet(bool quiet) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_quiet = quiet;
}

void Console::flush() {
  std::lock_guard<std::mutex> lock(m_mutex);
  for (auto& [task, partial] : m_partial) {
    if (partial.empty()) continue;
    auto named = m_names.find(task);
    print_line_locked(task, named != m_names.end() ? named->second : m_kernel_names[task],
                      partial);
    partial.clear();
  }
}

std::string Console::output_of(hb_task_id_t task) {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_all[task];
}

}  // namespace emu
