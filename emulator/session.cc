// emulator/session.cc - see session.h.
#include "session.h"

#include "trace_export.h"

#include <fstream>
#include <iostream>

namespace emu {

hosted::MachineOptions Session::machine_options(const EmulatorOptions& options,
                                                uint32_t default_cores, bool deterministic) {
  hosted::MachineOptions m;
  m.cores = options.cores.value_or(default_cores);
  m.deterministic = deterministic || options.deterministic;
  m.seed = options.seed.value_or(0);
  m.trace = true;  // always: failure explanations show the trace tail (STYLE 19)
  m.host_cpus = options.host_cpus;
  m.spin = !options.no_spin;
  m.kernel.per_core_caches = true;  // message buffers through per-core magazines (--stats)
  return m;
}

Session::Session(const EmulatorOptions& options, uint32_t default_cores,
                 bool force_deterministic, std::ostream& out)
    : m_options(options),
      m_out(out),
      m_console(out),
      m_machine(machine_options(options, default_cores, force_deterministic)),
      m_observer(m_machine) {
  m_machine.set_console([this](hb_task_id_t task, const std::string& name,
                               const std::string& text) { m_console.write(task, name, text); });
  // A task killed by a signal says so at once, even without --trace (deaths.h).
  m_observer.report_deaths_to(&std::cerr);
  m_observer.start();
}

Session::~Session() { m_observer.finish(); }

std::string Session::describe_machine() {
  const hosted::MachineOptions& o = m_machine.options();
  std::string text = std::to_string(m_machine.cores()) + (m_machine.cores() == 1 ? " core" : " cores");
  if (o.deterministic)
    text += ", deterministic, seed " + std::to_string(o.seed) +
            (o.seed == 0 ? " (round robin)" : " (random order)");
  else
    text += ", real time (host scheduling)";
  return text;
}

void Session::explain_failure(const ScenarioResult& result) {
  m_out << "harbor-emu: FAILED\n";
  for (const std::string& p : result.problems) m_out << "  " << p << '\n';
  m_out << "  machine: " << describe_machine() << '\n';
  if (!m_machine.options().deterministic)
    m_out << "  to repeat this exact interleaving, rerun with --deterministic (or --seed N)\n";

  m_observer.poll();
  std::vector<kernel::TraceRecord> records = m_observer.records();
  const TraceNames names = m_observer.names();
  std::vector<kernel::TraceRecord> mine;
  for (const kernel::TraceRecord& r : records)
    if (r.sequence >= result.first_sequence) mine.push_back(r);
  const size_t tail = std::min<size_t>(mine.size(), 12);
  if (tail > 0) {
    m_out << "  the last " << tail << " trace records:\n";
    const uint64_t base = mine.front().time;
    for (size_t i = mine.size() - tail; i < mine.size(); ++i)
      m_out << "    " << format_trace_line(mine[i], names, base) << '\n';
  }
  m_out << "  hint: the tasks' own output is above; `--trace text` prints every step, and "
           "`--stats` who blocked how often\n";
}

bool Session::finish() {
  if (m_finished) return true;
  m_finished = true;
  m_console.flush();
  m_observer.finish();
  bool ok = true;
  const std::vector<kernel::TraceRecord> records = m_observer.records();
  const TraceNames names = m_observer.names();

  if (m_options.trace != TraceFormat::None) {
    std::string path = m_options.trace_out.empty() ? default_trace_out(m_options.trace)
                                                   : m_options.trace_out;
    std::ofstream file;
    std::ostream* out = &m_out;
    if (path != "-") {
      file.open(path, std::ios::binary | std::ios::trunc);
      if (!file) {
        std::cerr << "harbor-emu: cannot write the trace to " << path << '\n';
        return false;
      }
      out = &file;
    }
    if (m_options.trace == TraceFormat::Text) {
      if (path == "-") m_out << "== trace (" << records.size() << " records) ==\n";
      write_trace_text(*out, records, names);
    } else if (m_options.trace == TraceFormat::Mermaid) {
      write_trace_mermaid(*out, records, names);
    } else {
      write_trace_chrome(*out, records, names);
    }
    out->flush();
    if (path != "-") {
      if (!file) {
        std::cerr << "harbor-emu: writing the trace to " << path << " failed\n";
        ok = false;
      } else {
        const char* how = m_options.trace == TraceFormat::Chrome
                              ? " (open it in https://ui.perfetto.dev)"
                              : m_options.trace == TraceFormat::Mermaid
                                    ? " (paste it into a ```mermaid block)"
                                    : "";
        std::cerr << "harbor-emu: wrote " << records.size() << " trace records to " << path
                  << how << '\n';
      }
    }
  }
  if (m_observer.stats().trace_lost > 0)
    std::cerr << "harbor-emu: " << m_observer.stats().trace_lost
              << " trace records were overwritten before they were read\n";

  if (m_options.stats) write_stats(m_out, m_observer.stats(), records);
  m_out.flush();
  return ok;
}

}  // namespace emu
