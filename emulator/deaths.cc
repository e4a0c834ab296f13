// emulator/deaths.cc - see deaths.h; the steps (1) and (2) are numbered the same way.
#include "deaths.h"

#include <harbor/abi/syscalls.h>

#include <cstring>

namespace emu {

std::vector<DeathWatch::Death> DeathWatch::feed(std::span<const kernel::TraceRecord> records) {
  std::vector<Death> deaths;
  for (const kernel::TraceRecord& r : records) {
    switch (r.kind) {
      case kernel::TraceKind::TaskStart:
        m_parent[r.task] = r.peer;
        break;
      case kernel::TraceKind::SyscallEnter:
        m_last_syscall[r.task] = r.syscall;
        break;
      case kernel::TraceKind::TaskExit: {
        auto last = m_last_syscall.find(r.task);
        const bool chose = last != m_last_syscall.end() && last->second == HB_SYS_TASK_EXIT;  // (1)
        int signal = 0;
        if (!chose && r.value < 0 && r.value >= -64) signal = static_cast<int>(-r.value);  // (2)
        m_ends[r.task] = signal;
        if (signal != 0) {
          auto parent = m_parent.find(r.task);
          deaths.push_back({r.task, parent == m_parent.end() ? 0 : parent->second, signal});
        }
        if (last != m_last_syscall.end()) m_last_syscall.erase(last);
        m_parent.erase(r.task);
        break;
      }
      default:
        break;
    }
  }
  return deaths;
}

DeathWatch::End DeathWatch::end_of(hb_task_id_t task, int* signal) const {
  auto it = m_ends.find(task);
  if (it == m_ends.end()) return End::Unknown;
  if (it->second == 0) return End::Exited;
  if (signal) *signal = it->second;
  return End::Killed;
}

std::string signal_name(int signal) {
  const char* abbreviation = sigabbrev_np(signal);  // "SEGV"
  if (!abbreviation) return "signal " + std::to_string(signal);
  return std::string("SIG") + abbreviation;
}

std::string death_line(hb_task_id_t task, const std::string& who, int signal) {
  std::string line = "harbor-emu: task " + std::to_string(task);
  if (!who.empty()) line += " (" + who + ")";
  return line + " killed by " + signal_name(signal);
}

}  // namespace emu
