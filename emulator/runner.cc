// emulator/runner.cc - see runner.h; the steps (1)-(3) are numbered the same way.
#include "runner.h"

#include "examples_dir.h"
#include "exit_codes.h"

#include <kernel/capability.h>
#include <kernel/kernel.h>
#include <kernel/port.h>
#include <kernel/semaphore.h>
#include <kernel/task.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <map>

namespace emu {

namespace {

using Clock = std::chrono::steady_clock;

std::string at(const Scenario& s, int line) { return s.file + ":" + std::to_string(line) + ": "; }

// The machine's own capabilities to one scenario port, until every task has its copy.
struct Wiring {
  kernel::Capability recv;
  kernel::Capability send;
};

void close_all(hosted::Machine& machine, std::map<std::string, Wiring>& wired,
               std::map<std::string, kernel::Capability>& objects) {
  for (auto& [name, w] : wired) {
    machine.close(w.recv);
    machine.close(w.send);
  }
  for (auto& [name, cap] : objects) machine.close(cap);
}

// What a task still running is doing, for a timeout message.
std::string doing(hosted::Machine& machine, hb_task_id_t id, const TraceNames& names) {
  std::string what = "running";
  machine.with_kernel([&](kernel::Kernel& k) {
    kernel::Task* t = k.find_task(id);
    if (!t || t->state() != kernel::TaskState::Blocked) return;
    const kernel::WaitState& w = t->wait();
    switch (w.kind) {
      case kernel::WaitKind::Send: what = "blocked sending"; break;
      case kernel::WaitKind::Receive: what = "blocked receiving"; break;
      case kernel::WaitKind::Reply: what = "blocked waiting for a reply"; break;
      case kernel::WaitKind::Semaphore: what = "blocked on a semaphore"; break;
      case kernel::WaitKind::Child: what = "blocked waiting for a child"; break;
      default: what = "blocked"; break;
    }
    if (w.port) what += " on " + names.object(w.port->koid());
    if (w.kind == kernel::WaitKind::Semaphore && w.semaphore)
      what = "blocked on " + names.object(w.semaphore->koid());  // "semaphore free"
  });
  return what;
}

}  // namespace

std::string describe_exit(int32_t code, int signal) {
  std::string text = "exit " + std::to_string(code);
  if (signal != 0) {
    const char* name = strsignal(signal);
    text += " (killed by signal " + std::to_string(signal) + (name ? std::string(": ") + name : "") + ")";
  }
  return text;
}

// (1)
std::vector<ScenarioError> prepare(const Scenario& scenario, uint32_t cores, bool wrap_cores,
                                   std::vector<std::string>& paths) {
  std::vector<ScenarioError> errors;
  paths.clear();
  const std::string base = directory_of(scenario.file);
  for (const TaskDecl& t : scenario.tasks) {
    ResolvedProgram program = resolve_program(t.program, base);
    paths.push_back(program.path.value_or(""));
    if (!program.path) errors.push_back({scenario.file, t.line, program.error});
    if (t.core != UINT32_MAX && !wrap_cores && t.core >= cores)
      errors.push_back({scenario.file, t.line,
                        "task `" + t.name + "` wants core " + std::to_string(t.core) +
                            ", but the machine has " + std::to_string(cores) +
                            " (cores 0.." + std::to_string(cores - 1) + "; see --cores)"});
  }
  return errors;
}

// (2) and (3)
ScenarioResult run_scenario(hosted::Machine& machine, Observer& observer, Console& console,
                            const Scenario& scenario, const std::vector<std::string>& paths,
                            const RunSettings& settings) {
  ScenarioResult result;
  observer.poll();
  {
    std::vector<kernel::TraceRecord> before = observer.records();
    result.first_sequence = before.empty() ? 0 : before.back().sequence + 1;
  }

  // (2a) Ports, regions and semaphores, owned by the machine until the tasks have their
  // handles (a region or semaphore: one capability with every right, reduced per task).
  std::map<std::string, Wiring> wired;
  std::map<std::string, kernel::Capability> objects;
  auto cannot_make = [&](int line, const std::string& what, hb_status_t status) {
    result.problems.push_back(at(scenario, line) + "cannot make " + what + ": " +
                              status_label(status));
    close_all(machine, wired, objects);
    result.exit_code = kExitStartFailed;
    return result;
  };
  for (const PortDecl& p : scenario.ports) {
    hosted::Machine::PortCaps caps = machine.make_port(p.mode, p.capacity, p.flags);
    if (caps.status != HB_OK) return cannot_make(p.line, "port `" + p.name + "`", caps.status);
    observer.name_port(caps.recv, p.name);
    wired[p.name] = {caps.recv, caps.send};
  }
  for (const RegionDecl& r : scenario.regions) {
    hosted::Machine::ObjectCap made = machine.make_region(r.size);
    if (made.status != HB_OK) return cannot_make(r.line, "region `" + r.name + "`", made.status);
    observer.name_object(made.cap, "region " + r.name);
    objects[r.name] = made.cap;
  }
  for (const SemaphoreDecl& sd : scenario.semaphores) {
    hosted::Machine::ObjectCap made = machine.make_semaphore(sd.initial, sd.max);
    if (made.status != HB_OK)
      return cannot_make(sd.line, "semaphore `" + sd.name + "`", made.status);
    observer.name_object(made.cap, "semaphore " + sd.name);
    objects[sd.name] = made.cap;
  }

  // (2b) The start message's handles of every task, in the order its block declares them.
  // DOC: emu-start-message-handles
  std::vector<std::vector<kernel::Capability>> handles(scenario.tasks.size());
  auto give_up = [&](std::string problem) {
    result.problems.push_back(std::move(problem));
    for (auto& caps : handles)
      for (kernel::Capability& cap : caps) machine.close(cap);
    close_all(machine, wired, objects);
    result.exit_code = kExitStartFailed;
    return result;
  };
  for (size_t i = 0; i < scenario.tasks.size(); ++i) {
    const TaskDecl& t = scenario.tasks[i];
    for (const HandleDecl& h : t.handles) {
      kernel::Capability cap;
      if (h.kind == HandleKind::Map || h.kind == HandleKind::Sem) {
        // A region or semaphore: a capability with the rights the line wrote (a subset of
        // the machine's: rights only ever shrink).
        const kernel::Capability& full = objects[h.object];
        machine.with_kernel([&](kernel::Kernel&) {
          cap = kernel::capability_create(*full.object, full.rights & h.rights, 0);
        });
        if (cap.empty())
          return give_up(at(scenario, h.line) + "cannot make a handle to `" + h.object +
                         "` for task `" + t.name + "`");
        handles[i].push_back(cap);
        continue;
      }
      Wiring& w = wired[h.object];
      const PortDecl* port = scenario.find_port(h.object);
      if (h.kind == HandleKind::Recv && !(port->flags & HB_PORT_SHARED_RECV)) {
        cap = w.recv;  // the one receive right moves to its owner
        w.recv = {};
      } else {
        cap = machine.duplicate(h.kind == HandleKind::Recv ? w.recv : w.send);
        if (h.kind == HandleKind::Send && h.badge != 0) cap.badge = h.badge;  // a minted badge
      }
      if (cap.empty())
        return give_up(at(scenario, h.line) + "cannot make a handle to port `" + h.object +
                       "` for task `" + t.name + "`");
      handles[i].push_back(cap);
    }
  }

  // (2c) Every task, in declaration order, under one hold of the kernel lock, with the
  // deterministic scheduler held (Machine::pause) until the last one exists: no task makes a
  // syscall before all exist, so a --deterministic run starts the same way every time, and
  // each task has its scenario name before it runs. ${NAME} in arguments is an earlier
  // task's id. (This is Machine::start's spawn_root, done for all tasks at once.)
  const uint32_t cores = machine.cores();
  std::map<std::string, hb_task_id_t> ids;
  std::string failure;
  machine.pause();
  machine.with_kernel([&](kernel::Kernel& k) {
    for (size_t i = 0; i < scenario.tasks.size(); ++i) {
      const TaskDecl& t = scenario.tasks[i];
      std::string bytes;  // the start message: each argument followed by a NUL
      for (const std::string& arg : t.args) {
        std::string expanded, missing;
        auto id_of = [&](const std::string& name) -> std::optional<std::string> {
          auto it = ids.find(name);
          if (it == ids.end()) return std::nullopt;
          return std::to_string(it->second);
        };
        expand_task_refs(arg, id_of, expanded, missing);  // the parser checked the names
        bytes += expanded;
        bytes.push_back('\0');
      }
      uint32_t core = t.core;
      if (core != UINT32_MAX && settings.wrap_cores) core %= cores;
      std::vector<kernel::Capability>& caps = handles[i];
      kernel::Result<kernel::Task*> task =
          k.spawn_root(paths[i].c_str(), bytes.data(), static_cast<uint32_t>(bytes.size()),
                       caps.data(), static_cast<uint32_t>(caps.size()), core);
      if (!task.ok()) {
        failure = at(scenario, t.line) + "cannot start task `" + t.name + "` (" + paths[i] +
                  "): " + status_label(kernel::to_status(task.error()));
        return;
      }
      caps.clear();  // moved into the start message
      task.value()->set_name(t.name.c_str());
      console.set_name(task.value()->id(), t.name);  // before it can print anything
      ids[t.name] = task.value()->id();
      TaskResult r;
      r.name = t.name;
      r.id = task.value()->id();
      result.tasks.push_back(r);
    }
  });
  for (const TaskResult& r : result.tasks) observer.name_task(r.id, r.name);
  machine.resume();  // let the scheduler pick the first task
  if (!failure.empty()) return give_up(failure);
  // From now on, ports live and die with their tasks: a port whose receiving task exits is
  // dead, and a port whose senders all exited reads as closed (HB_ERR_PEER_CLOSED). Regions
  // and semaphores are freed when the last task holding a handle (or a mapping) is gone.
  // DOC: emu-machine-lets-go-of-ports
  close_all(machine, wired, objects);

  // (2d) Wait for every task, firing `kill after` on time, until the timeout.
  const Clock::time_point started_at = Clock::now();
  const uint64_t timeout_ns = settings.timeout_ns.value_or(scenario.timeout_ns);
  const bool forever = timeout_ns == UINT64_MAX;
  const Clock::time_point deadline =
      forever ? Clock::time_point::max() : started_at + std::chrono::nanoseconds(timeout_ns);
  struct Kill {
    Clock::time_point when;
    size_t task;
    bool done;
  };
  std::vector<Kill> kills;
  for (size_t i = 0; i < scenario.tasks.size(); ++i)
    if (scenario.tasks[i].kill_after_ns)
      kills.push_back({started_at + std::chrono::nanoseconds(*scenario.tasks[i].kill_after_ns), i,
                       false});

  bool timed_out = false;
  const size_t waited = settings.wait_for_every_task ? result.tasks.size() : 1;
  for (size_t i = 0; i < waited && !timed_out; ++i) {
    TaskResult& r = result.tasks[i];
    for (;;) {
      Clock::time_point until = deadline;
      for (Kill& k : kills) {
        if (k.done) continue;
        if (Clock::now() >= k.when) {
          machine.kill(result.tasks[k.task].id);
          k.done = true;
        } else {
          until = std::min(until, k.when);
        }
      }
      const Clock::time_point now = Clock::now();
      if (now >= deadline) {
        timed_out = true;
        break;
      }
      const uint64_t wait_ns =
          until == Clock::time_point::max()
              ? UINT64_MAX
              : static_cast<uint64_t>(
                    std::chrono::duration_cast<std::chrono::nanoseconds>(until - now).count());
      hosted::Machine::Exit exit = machine.wait(r.id, wait_ns);
      if (exit.status == HB_OK) {
        r.exited = true;
        r.code = exit.code;
        break;
      }
      if (exit.status != HB_ERR_TIMED_OUT) {  // cannot happen: we started it, nobody collects it
        r.failures.push_back("cannot wait for it: " + status_label(exit.status));
        break;
      }
    }
  }
  if (!timed_out && settings.wait_for_every_task) {
    const auto now = Clock::now();
    const uint64_t left = forever ? UINT64_MAX
                                  : now >= deadline ? 0
                                  : static_cast<uint64_t>(
                                        std::chrono::duration_cast<std::chrono::nanoseconds>(
                                            deadline - now).count());
    if (!machine.wait_all(left)) timed_out = true;  // tasks the scenario's tasks spawned
  }
  console.flush();
  observer.poll();
  for (TaskResult& r : result.tasks)
    if (r.exited) r.signal = observer.killed_by(r.id, r.code);

  // (3) The verdict.
  const TraceNames names = observer.names();
  if (timed_out) {
    const double seconds = static_cast<double>(timeout_ns) / 1e9;
    std::string line = scenario.file + ": timed out after " + std::to_string(seconds).substr(0, 5) +
                       "s; still running:";
    bool any = false;
    for (const TaskResult& r : result.tasks) {
      if (r.exited) continue;
      line += std::string(any ? "," : "") + " " + names.task(r.id) + " (" +
              doing(machine, r.id, names) + ")";
      any = true;
    }
    if (!any) line += " tasks they spawned";
    result.problems.push_back(line);
    result.exit_code = kExitTimedOut;
    return result;
  }
  for (size_t i = 0; i < result.tasks.size(); ++i) {
    TaskResult& r = result.tasks[i];
    const TaskDecl& t = scenario.tasks[i];
    if (!r.exited) continue;
    switch (t.expect) {
      case ExpectKind::Exit:
        if (r.code != t.expect_code)
          r.failures.push_back("expected exit " + std::to_string(t.expect_code) + ", got " +
                               describe_exit(r.code, r.signal));
        break;
      case ExpectKind::Killed:
        if (r.signal == 0)
          r.failures.push_back("expected to be killed, but it ended with " +
                               describe_exit(r.code, r.signal));
        break;
      case ExpectKind::Any:
        break;
    }
    const std::string output = console.output_of(r.id);
    for (const std::string& want : t.expect_output)
      if (output.find(want) == std::string::npos)
        r.failures.push_back("expected its output to contain \"" + want + "\"");
    for (const std::string& f : r.failures)
      result.problems.push_back(at(scenario, t.line) + names.task(r.id) + ": " + f);
  }
  result.exit_code = result.problems.empty() ? kExitPassed : kExitFailed;
  return result;
}

void write_results(std::ostream& out, const ScenarioResult& result, const std::string& indent) {
  for (const TaskResult& r : result.tasks) {
    const char* verdict = !r.exited ? "----" : r.failures.empty() ? "ok  " : "FAIL";
    out << indent << verdict << "  " << r.name << "[" << r.id << "]  "
        << (r.exited ? describe_exit(r.code, r.signal) : std::string("did not finish")) << '\n';
    for (const std::string& f : r.failures) out << indent << "      " << f << '\n';
  }
}

}  // namespace emu
