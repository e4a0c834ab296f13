// emulator/showcase.cc - the built-in showcase (see showcase.h).
//
// For each act: its title and narration (the scenario's `title` and `say` lines), the tasks'
// own output, an excerpt of the trace (who blocked, who woke, which message went where),
// and a verdict. All acts share one deterministic machine, so task ids keep counting.
#include "showcase.h"

#include "exit_codes.h"
#include "options.h"
#include "session.h"
#include "trace_export.h"

#include <iostream>
#include <set>

namespace emu {

namespace {

constexpr size_t kExcerptLines = 16;

// The conversation, without the bookkeeping: blocks, wakes, sends, receives that are not a
// start message, exits. A message handed straight to a waiting receiver shows once, as the
// send ("handed to ..."), not also as its receive.
std::vector<kernel::TraceRecord> excerpt(const std::vector<kernel::TraceRecord>& records,
                                         uint64_t from_sequence) {
  using kernel::TraceKind;
  std::set<uint64_t> handed;
  for (const kernel::TraceRecord& r : records)
    if (r.kind == TraceKind::Send && r.peer != 0) handed.insert(r.message);
  std::vector<kernel::TraceRecord> out;
  for (const kernel::TraceRecord& r : records) {
    if (r.sequence < from_sequence) continue;
    switch (r.kind) {
      case TraceKind::Block:
      case TraceKind::Wake:
      case TraceKind::Send:
      case TraceKind::TaskExit:
        out.push_back(r);
        break;
      case TraceKind::Receive:
        if (r.peer != 0 && !handed.count(r.message)) out.push_back(r);
        break;
      default:
        break;
    }
  }
  return out;
}

}  // namespace

int run_showcase(const EmulatorOptions& options) {
  std::ostream& out = std::cout;
  Session session(options, 2, true, out);

  // Every act must parse and find its programs before anything starts.
  std::vector<Scenario> acts;
  std::vector<std::vector<std::string>> paths(kShowcaseActCount);
  for (size_t i = 0; i < kShowcaseActCount; ++i) {
    ParseResult parsed = parse_scenario(kShowcaseActs[i].text, kShowcaseActs[i].name);
    std::vector<ScenarioError> errors = parsed.errors;
    if (parsed.scenario) {
      std::vector<ScenarioError> more =
          prepare(*parsed.scenario, session.machine().cores(), true, paths[i]);
      errors.insert(errors.end(), more.begin(), more.end());
      acts.push_back(std::move(*parsed.scenario));
    }
    if (!errors.empty()) {
      for (const ScenarioError& e : errors) std::cerr << "showcase/" << e.str() << '\n';
      std::cerr << "harbor-emu: the showcase cannot run: its example programs are missing "
                   "(build the target harbor-emu, which builds them; or set "
                   "HARBOR_EXAMPLES_DIR)\n";
      return kExitBadInput;
    }
  }

  out << "Harbor showcase: " << acts.size()
      << " acts of inter-process communication on the hosted kernel.\n"
      << "Every task is a Linux process; every arrow below went through the kernel.\n"
      << "Machine: " << session.describe_machine() << ".\n";

  int failed = 0;
  for (size_t i = 0; i < acts.size(); ++i) {
    const Scenario& act = acts[i];
    out << "\n== Act " << i + 1 << ": " << act.title << " ==\n";
    for (const std::string& line : act.narration) out << "  " << line << '\n';
    out << "  -- what the tasks print --\n";
    out.flush();
    session.console().set_indent("    ");
    RunSettings settings;
    settings.wrap_cores = true;
    settings.timeout_ns = options.timeout_ns;
    ScenarioResult result = run_scenario(session.machine(), session.observer(),
                                         session.console(), act, paths[i], settings);

    const std::vector<kernel::TraceRecord> shown =
        excerpt(session.observer().records(), result.first_sequence);
    const TraceNames names = session.observer().names();
    out << "  -- what the kernel saw (trace excerpt: block, wake, send, receive, exit) --\n";
    const uint64_t base = shown.empty() ? 0 : shown.front().time;
    for (size_t k = 0; k < shown.size() && k < kExcerptLines; ++k)
      out << "    " << format_trace_line(shown[k], names, base) << '\n';
    if (shown.size() > kExcerptLines)
      out << "    ... " << shown.size() - kExcerptLines
          << " more (harbor-emu --trace text prints every record)\n";

    if (result.exit_code == kExitPassed) {
      out << "  -- as expected:";
      for (const TaskResult& r : result.tasks)
        out << " " << r.name << " " << describe_exit(r.code, r.signal) << (&r == &result.tasks.back() ? "" : ",");
      out << '\n';
    } else {
      ++failed;
      write_results(out, result, "  ");
      session.explain_failure(result);
      if (result.exit_code == kExitTimedOut) break;  // its tasks may still hold the machine
    }
  }

  out << '\n';
  if (failed == 0)
    out << "All " << acts.size() << " acts went as expected. Next: harbor-emu --help, "
        << "docs/emulator.md, docs/scenarios/.\n";
  else
    out << failed << " of " << acts.size() << " acts did not go as expected.\n";
  const bool written = session.finish();
  if (failed > 0) return kExitFailed;
  return written ? kExitPassed : kExitBadInput;
}

}  // namespace emu
