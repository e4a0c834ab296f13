// emulator/session.cc - see session.h.
#include "session.h"

#include <name_server_task.h>

#include "exit_codes.h"
#include "trace_export.h"

#include <kernel/capability.h>
#include <kernel/kernel.h>
#include <kernel/port.h>
#include <kernel/reply.h>
#include <kernel/semaphore.h>
#include <kernel/task.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <set>

namespace emu {

namespace {

// Every capability task `t` holds (HandleTable::for_each). Only a stalled run pays for it
// (capture_waits), and it changes nothing.
void for_each_capability(kernel::Task& t, const std::function<void(const kernel::Capability&)>& fn) {
  t.handles().for_each([&](hb_handle_t, const kernel::Capability& cap) { fn(cap); });
}

// The tasks that can never run again: blocked without a deadline, and every task that could
// wake them is in the set too. A greatest fixpoint: start from every task blocked without a
// deadline, and drop any that a task outside the set (running, waiting with a timeout, or not
// listed, like the name service) could still wake, until nothing changes. A task nobody can
// wake (no holder at all) stays in.
std::set<hb_task_id_t> stuck_for_good(const std::vector<TaskWait>& waits) {
  std::set<hb_task_id_t> stuck;
  for (const TaskWait& w : waits)
    if (w.kind != "running" && !w.has_deadline) stuck.insert(w.id);
  for (bool changed = true; changed;) {
    changed = false;
    for (const TaskWait& w : waits) {
      if (!stuck.count(w.id)) continue;
      for (hb_task_id_t waker : w.waits_for)
        if (!stuck.count(waker)) {
          stuck.erase(w.id);
          changed = true;
          break;
        }
    }
  }
  return stuck;
}

// A cycle in the wait-for graph among the tasks stuck for good, as the ids along it; empty
// if there is none (they may all wait for one that nobody can wake).
std::vector<hb_task_id_t> find_cycle(const std::vector<TaskWait>& waits,
                                     const std::set<hb_task_id_t>& stuck) {
  std::map<hb_task_id_t, const TaskWait*> by_id;
  for (const TaskWait& w : waits)
    if (stuck.count(w.id)) by_id[w.id] = &w;
  std::map<hb_task_id_t, int> color;  // 0 unseen, 1 on the path, 2 done
  std::vector<hb_task_id_t> path, cycle;
  std::function<bool(hb_task_id_t)> visit = [&](hb_task_id_t id) {
    color[id] = 1;
    path.push_back(id);
    for (hb_task_id_t next : by_id[id]->waits_for) {
      if (!by_id.count(next)) continue;
      if (color[next] == 1) {
        auto from = std::find(path.begin(), path.end(), next);
        cycle.assign(from, path.end());
        return true;
      }
      if (color[next] == 0 && visit(next)) return true;
    }
    path.pop_back();
    color[id] = 2;
    return false;
  };
  for (const auto& [id, w] : by_id)
    if (color[id] == 0 && visit(id)) break;
  return cycle;
}

// What every live user task is doing, and who holds what would wake it (see the anchor
// emu-report-wait-for below). The whole kernel is locked.
std::vector<TaskWait> read_waits(kernel::Kernel& k, const TraceNames& names) {
  std::vector<TaskWait> waits;
  struct Held {
    hb_task_id_t task;
    kernel::Capability cap;
  };
  std::vector<Held> held;
  std::vector<kernel::Task*> live;
  k.for_each_task([&](kernel::Task& t) {
    if (!t.alive()) return;
    live.push_back(&t);
    for_each_capability(t, [&](const kernel::Capability& cap) { held.push_back({t.id(), cap}); });
  });
  auto holders = [&](const kernel::KernelObject* object, uint32_t right) {
    std::vector<hb_task_id_t> out;
    for (const Held& h : held)
      if (h.cap.object == object && (h.cap.rights & right) &&
          std::find(out.begin(), out.end(), h.task) == out.end())
        out.push_back(h.task);
    return out;
  };
  for (kernel::Task* t : live) {
    // The system task (the name service) waits for requests for ever by design: it is
    // never stuck, and listing it would only blur the verdict.
    if (t->id() == kernel::Kernel::kSystemTaskId) continue;
    TaskWait w;
    w.id = t->id();
    w.name = names.task(t->id());
    w.kind = "running";
    if (t->state() == kernel::TaskState::Blocked) {
      const kernel::WaitState& s = t->wait();
      w.has_deadline = s.deadline != UINT64_MAX;
      kernel::Task* inbox_owner = nullptr;
      for (kernel::Task* other : live)
        if (s.port && &other->inbox() == s.port) inbox_owner = other;
      if (s.port) {
        w.object = names.object(s.port->koid());  // "obj 12" when nobody named it
        if (w.object.rfind("obj ", 0) == 0) w.object = "port " + w.object.substr(4);
      }
      switch (s.kind) {
        case kernel::WaitKind::Send:
          w.kind = "send";
          if (inbox_owner) w.waits_for.push_back(inbox_owner->id());
          else w.waits_for = holders(s.port, HB_RIGHT_RECV);
          break;
        case kernel::WaitKind::Receive:
          w.kind = "receive";
          if (inbox_owner) {
            w.anyone = true;
            for (kernel::Task* other : live)  // the name service sends to no inbox
              if (other != t && other->id() != kernel::Kernel::kSystemTaskId)
                w.waits_for.push_back(other->id());
          } else {
            w.waits_for = holders(s.port, HB_RIGHT_SEND);
          }
          break;
        case kernel::WaitKind::Reply:
          w.kind = "reply";
          w.waits_for = holders(s.reply, 0xffffffffu);
          break;
        case kernel::WaitKind::Semaphore:
          w.kind = "semaphore";
          if (s.semaphore) {
            w.object = names.object(s.semaphore->koid());
            if (w.object.rfind("obj ", 0) == 0) w.object = "semaphore " + w.object.substr(4);
            w.waits_for = holders(s.semaphore, HB_RIGHT_SEND);
          }
          break;
        case kernel::WaitKind::Child:
          w.kind = "child";
          w.waits_for.push_back(s.child);
          break;
        default:
          w.kind = "blocked";
          break;
      }
    }
    waits.push_back(std::move(w));
  }
  return waits;
}

}  // namespace

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
  m.name_server = harbor::runtime::name_server_task;  // SPEC 7: no set-up in user programs
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
  if (options.stop_on_deadlock) m_watcher = std::thread([this] { watch_for_deadlock(); });
}

Session::~Session() {
  stop_watching();
  m_observer.finish();
}

void Session::stop_watching() {
  {
    std::lock_guard<std::mutex> lock(m_watch_mutex);
    m_watch_stop = true;
  }
  m_watch_cv.notify_all();
  if (m_watcher.joinable()) m_watcher.join();
}

// DOC: emu-stop-on-deadlock
// Cheap first: only when every live user task is blocked without a deadline does it pay for
// the wait-for graph (read_waits probes handle tables). Then, if every one of them is stuck
// for good, nothing can ever run again (the name service answers requests but starts none),
// so the run is over: the waits are kept for the report and the tasks are killed, which ends
// run_scenario's wait at once.
void Session::watch_for_deadlock() {
  std::unique_lock<std::mutex> lock(m_watch_mutex);
  while (!m_watch_cv.wait_for(lock, std::chrono::milliseconds(20), [this] { return m_watch_stop; })) {
    lock.unlock();
    bool all_blocked = true;
    size_t live = 0;
    m_machine.with_kernel([&](kernel::Kernel& k) {
      k.for_each_task([&](kernel::Task& t) {
        if (!t.alive() || t.id() == kernel::Kernel::kSystemTaskId) return;
        ++live;
        if (t.state() != kernel::TaskState::Blocked || t.wait().deadline != UINT64_MAX)
          all_blocked = false;
      });
    });
    std::vector<TaskWait> waits;
    if (all_blocked && live > 0) {
      m_observer.poll();
      const TraceNames names = m_observer.names();
      m_machine.with_kernel([&](kernel::Kernel& k) { waits = read_waits(k, names); });
    }
    const std::set<hb_task_id_t> stuck = stuck_for_good(waits);
    lock.lock();
    if (waits.empty() || stuck.size() != waits.size()) continue;
    m_waits = waits;
    m_stuck.assign(stuck.begin(), stuck.end());
    m_cycle = find_cycle(m_waits, stuck);
    m_stopped_on_deadlock = true;
    lock.unlock();
    for (const TaskWait& w : waits) m_machine.kill(w.id);
    return;
  }
}

bool Session::stopped_on_deadlock() {
  std::lock_guard<std::mutex> lock(m_watch_mutex);
  return m_stopped_on_deadlock;
}

std::string Session::deadlock_summary() {
  std::lock_guard<std::mutex> lock(m_watch_mutex);
  const TraceNames names = m_observer.names();
  const std::vector<hb_task_id_t>& along = m_cycle.empty() ? m_stuck : m_cycle;
  std::string text;
  for (hb_task_id_t id : along) text += (text.empty() ? "" : " -> ") + names.task(id);
  if (!m_cycle.empty()) text += " -> " + names.task(m_cycle.front());
  return text;
}

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
  stop_watching();
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

namespace emu {

// DOC: emu-report-wait-for
// Who waits for whom: a task blocked sending waits for whoever holds the port's receive
// right; receiving, for every holder of a send right (on its inbox: anyone, since any task
// may send by task id); in hb_call, for the holder of its reply capability; on a semaphore,
// for every holder of the right to post; in hb_task_wait, for the child.
void Session::capture_waits() {
  if (m_options.report_json.empty()) return;
  stop_watching();  // the run is over; from here on only this thread touches m_waits
  if (m_stopped_on_deadlock) return;  // read before the stuck tasks were ended
  m_observer.poll();
  const TraceNames names = m_observer.names();
  m_machine.with_kernel([&](kernel::Kernel& k) { m_waits = read_waits(k, names); });
  const std::set<hb_task_id_t> stuck = stuck_for_good(m_waits);
  m_stuck.assign(stuck.begin(), stuck.end());
  m_cycle = find_cycle(m_waits, stuck);
}

bool Session::write_report(const char* command, const ScenarioResult& result, int exit_code) {
  if (m_options.report_json.empty()) return true;
  using nlohmann::json;
  const TraceNames names = m_observer.names();
  const hosted::MachineOptions& o = m_machine.options();
  json report;
  report["command"] = command;
  report["exit_code"] = exit_code;
  const char* verdict = result.exit_code == kExitPassed     ? "passed"
                        : result.exit_code == kExitFailed   ? "failed"
                        : result.exit_code == kExitTimedOut ? "timed_out"
                                                            : "start_failed";
  report["result"] = stopped_on_deadlock() ? "deadlocked" : verdict;
  report["machine"] = {{"cores", m_machine.cores()},
                       {"deterministic", o.deterministic},
                       {"seed", o.seed},
                       {"described", describe_machine()}};
  json tasks = json::array();
  for (const TaskResult& r : result.tasks)
    tasks.push_back({{"name", r.name},
                     {"id", r.id},
                     {"exited", r.exited},
                     {"code", r.code},
                     {"signal", r.signal},
                     {"failures", r.failures}});
  report["tasks"] = tasks;
  report["problems"] = result.problems;

  json waits = json::array();
  for (const TaskWait& w : m_waits) {
    std::vector<std::string> whom;
    for (hb_task_id_t id : w.waits_for) whom.push_back(names.task(id));
    waits.push_back({{"id", w.id},
                     {"name", w.name},
                     {"kind", w.kind},
                     {"object", w.object},
                     {"has_deadline", w.has_deadline},
                     {"anyone", w.anyone},
                     {"waits_for", w.waits_for},
                     {"waits_for_names", whom}});
  }
  report["waits"] = waits;
  // A deadlock: tasks that can never run again (stuck_for_good), with a cycle among them
  // when there is one.
  if (!m_stuck.empty()) {
    std::vector<std::string> cycle_names, stuck_names;
    for (hb_task_id_t id : m_cycle) cycle_names.push_back(names.task(id));
    for (hb_task_id_t id : m_stuck) stuck_names.push_back(names.task(id));
    report["deadlock"] = {{"cycle", m_cycle},
                          {"cycle_names", cycle_names},
                          {"stuck", m_stuck},
                          {"stuck_names", stuck_names},
                          {"every_task_stuck", m_stuck.size() == m_waits.size()}};
  } else {
    report["deadlock"] = nullptr;
  }

  const StatsReport& stats = m_observer.stats();
  json task_stats = json::array();
  for (const TaskStats& t : stats.tasks)
    task_stats.push_back({{"id", t.id}, {"name", t.name}, {"parent", t.parent},
                          {"alive", t.alive}, {"exit_code", t.exit_code},
                          {"syscalls", t.syscalls}, {"sent", t.sent},
                          {"received", t.received}, {"blocks", t.blocks}});
  json ports = json::array();
  for (const PortStats& p : stats.ports)
    ports.push_back({{"label", p.label}, {"sent", p.sent}, {"received", p.received},
                     {"queued", p.queued}, {"dead", p.dead}});
  report["stats"] = {{"objects_alive", stats.kernel.objects_alive},
                     {"tasks_alive", stats.kernel.tasks_alive},
                     {"syscalls", stats.kernel.syscalls},
                     {"messages_sent", stats.kernel.messages_sent},
                     {"tasks", task_stats},
                     {"ports", ports}};

  std::ofstream file(m_options.report_json, std::ios::binary | std::ios::trunc);
  file << report.dump(2) << '\n';
  file.flush();
  if (!file) {
    std::cerr << "harbor-emu: cannot write the report to " << m_options.report_json << '\n';
    return false;
  }
  return true;
}

}  // namespace emu
