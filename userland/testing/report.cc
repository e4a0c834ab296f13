// userland/testing/report.cc - what a failing test prints (STYLE 19: expected against
// actual is GoogleTest's part; this is the machine's part: the seed, every task and what it
// is blocked on, the last trace records of each task, the console, a hint).
//
//   ==== harbor::testing: the machine of this test ====
//   free-running, 2 cores (interleavings vary from run to run: ...)
//   tasks:
//     test[1]      running: the test body
//     server[2]    blocked in recv on port 7, no timeout (HB_FOREVER)
//     client[3]    exited with 1
//   last trace records of each task (oldest first):
//     server[2]
//       c0      +12.250us  server[2]       syscall recv
//   ...
//
// The trace lines are harbor-emu's (emulator/trace_text.cc), linked into this library.
#include <arch/clock.h>
#include <kernel/kernel.h>
#include <kernel/port.h>
#include <kernel/semaphore.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <sstream>

#include "machine_impl.h"
#include "trace_export.h"

namespace harbor::testing {

namespace {

constexpr size_t kConsoleLines = 20;

std::string exit_text(int32_t code) {
  if (code >= 0) return "exited with " + std::to_string(code);
  const char* name = sigabbrev_np(-code);
  return "killed by signal " + std::to_string(-code) + (name ? std::string(" (SIG") + name + ")" : "");
}

std::string duration_text(uint64_t ns) {
  if (ns >= 10000000000ull) return std::to_string(ns / 1000000000ull) + " s";
  if (ns >= 1000000ull) return std::to_string(ns / 1000000ull) + " ms";
  return std::to_string(ns / 1000ull) + " us";
}

std::string port_label(const emu::TraceNames& names, uint64_t koid) {
  return names.objects.count(koid) ? names.object(koid) : "port " + std::to_string(koid);
}

// What a task the kernel still knows is doing. Kernel lock held.
std::string describe(kernel::Task& task, hb_task_id_t self, uint64_t now,
                     const emu::TraceNames& names, bool* blocked_forever) {
  if (!task.alive()) return exit_text(task.exit_code()) + " (not collected by its parent yet)";
  if (task.state() != kernel::TaskState::Blocked)
    return task.id() == self ? "running: the test body" : "running (user code, or in a syscall)";
  kernel::WaitState& w = task.wait();
  std::string in = std::string("blocked in ") + emu::syscall_label(static_cast<uint16_t>(w.syscall));
  std::string what;
  switch (w.kind) {
    case kernel::WaitKind::Send:
      what = in + " into " + (w.port ? port_label(names, w.port->koid()) : "a port") +
             ((w.send_flags & HB_SEND_SYNC) ? " (HB_SEND_SYNC: until a receiver takes it)"
                                            : " (full, or a rendezvous with no receiver yet)");
      break;
    case kernel::WaitKind::Receive:
      what = in + " on " + (w.port ? port_label(names, w.port->koid()) : "a port") +
             " (nothing to receive)";
      break;
    case kernel::WaitKind::Reply:
      what = in + ": its request was taken; waiting for the reply";
      break;
    case kernel::WaitKind::Semaphore:
      what = in + " on semaphore " +
             (w.semaphore ? std::to_string(w.semaphore->koid()) : std::string("?"));
      break;
    case kernel::WaitKind::Child:
      what = in + " for its child " + names.task(w.child);
      break;
    case kernel::WaitKind::None:
      what = in;
      break;
  }
  if (w.deadline == UINT64_MAX) {
    *blocked_forever = true;
    return what + ", no timeout (HB_FOREVER)";
  }
  return what + ", times out in " + duration_text(w.deadline > now ? w.deadline - now : 0);
}

}  // namespace

void Machine::Impl::drain_trace() {
  std::vector<kernel::TraceRecord> fresh;
  machine->drain_trace([&](const kernel::TraceRecord& record) { fresh.push_back(record); });
  emu::sort_by_sequence(fresh);
  std::lock_guard<std::mutex> guard(mutex);
  for (const kernel::TraceRecord& record : fresh) trace.push_back(record);
  while (trace.size() > kTraceKept) trace.pop_front();
}

std::string Machine::Impl::task_label(hb_task_id_t id) {
  std::lock_guard<std::mutex> guard(mutex);
  auto it = tasks.find(id);
  return (it == tasks.end() ? std::string("task") : it->second.name) + "[" + std::to_string(id) +
         "]";
}

void Machine::Impl::name_inbox(hb_task_id_t id) {
  std::string label = "inbox of " + task_label(id);
  uint64_t koid = 0;
  machine->with_kernel([&](kernel::Kernel& kernel) {
    kernel::Task* task = kernel.find_task(id);
    if (task && task->alive()) koid = task->inbox().koid();
  });
  if (koid == 0) return;
  std::lock_guard<std::mutex> guard(mutex);
  object_names[koid] = label;
}

void Machine::Impl::collect_exits() {
  std::vector<hb_task_id_t> open;
  {
    std::lock_guard<std::mutex> guard(mutex);
    for (auto& [id, task] : tasks)
      if (!task.ended && id != self) open.push_back(id);
  }
  for (hb_task_id_t id : open) {
    hosted::Machine::Exit exit = machine->wait(id, 0);  // a look, not a wait
    if (exit.status != HB_OK) continue;
    std::lock_guard<std::mutex> guard(mutex);
    tasks[id].ended = true;
    tasks[id].code = exit.code;
  }
}

std::string Machine::Impl::report() {
  drain_trace();
  collect_exits();

  // Names and what we know, copied so that the kernel lock is taken without our mutex.
  emu::TraceNames names;
  std::map<hb_task_id_t, TaskRecord> known;
  std::vector<kernel::TraceRecord> records;
  {
    std::lock_guard<std::mutex> guard(mutex);
    known = tasks;
    names.objects = object_names;
    records.assign(trace.begin(), trace.end());
  }
  for (auto& [id, task] : known) names.tasks[id] = task.name;

  std::map<hb_task_id_t, std::string> state;
  bool blocked_forever = false;
  machine->with_kernel([&](kernel::Kernel& kernel) {
    uint64_t now = arch::clock_ns();
    kernel.for_each_task([&](kernel::Task& task) {
      if (!names.tasks.count(task.id())) {  // spawned by a task (hb_task_spawn)
        const char* slash = std::strrchr(task.name(), '/');
        names.tasks[task.id()] = slash ? slash + 1 : task.name();
      }
      state[task.id()] = describe(task, self, now, names, &blocked_forever);
    });
  });
  for (auto& [id, task] : known) {
    if (state.count(id)) continue;
    state[id] = task.ended ? exit_text(task.code) : "ended (its exit is being collected)";
  }

  std::ostringstream out;
  out << "==== harbor::testing: the machine of this test ====\n";
  if (options.deterministic) {
    out << "deterministic, seed " << options.seed << ", " << machine->cores()
        << " cores (the same Options and test repeat this run exactly)\n";
  } else {
    out << "free-running, " << machine->cores()
        << " cores (the host interleaves the tasks, differently on every run; "
           "Options::deterministic = true, and a seed, make a run repeatable)\n";
  }
  out << "tasks:\n";
  for (auto& [id, text] : state) {
    std::string label = names.task(id);
    out << "  " << label << std::string(label.size() < 14 ? 14 - label.size() : 1, ' ') << text
        << "\n";
  }

  emu::attribute_syscalls(records);
  uint64_t base = UINT64_MAX;
  for (const kernel::TraceRecord& record : records) base = std::min(base, record.time);
  out << "last trace records of each task (oldest first, at most " << options.trace_tail
      << "):\n";
  for (auto& [id, text] : state) {
    std::vector<const kernel::TraceRecord*> tail;
    for (auto it = records.rbegin(); it != records.rend() && tail.size() < options.trace_tail; ++it)
      if (it->task == id) tail.push_back(&*it);
    if (tail.empty()) continue;
    out << "  " << names.task(id) << "\n";
    for (auto it = tail.rbegin(); it != tail.rend(); ++it)
      out << "    " << emu::format_trace_line(**it, names, base) << "\n";
  }

  std::string console_text;
  {
    std::lock_guard<std::mutex> guard(console_mutex);
    console_text = console;
  }
  if (!console_text.empty()) {
    size_t at = console_text.size();
    for (size_t lines = 0; at > 0 && lines <= kConsoleLines; --at)
      if (console_text[at - 1] == '\n' && ++lines > kConsoleLines) break;
    out << "console (last " << kConsoleLines << " lines at most):\n" << console_text.substr(at);
  }
  if (blocked_forever)
    out << "hint: a task blocked with no timeout waits until another task acts: is the task "
           "that should send, answer or post still running, and does it hold the handle it "
           "needs? Give the call a timeout to make it fail instead.\n";
  out << "====================================================\n";
  return out.str();
}

std::string Machine::Impl::trace_text() {
  drain_trace();
  emu::TraceNames names;
  std::vector<kernel::TraceRecord> records;
  {
    std::lock_guard<std::mutex> guard(mutex);
    for (auto& [id, task] : tasks) names.tasks[id] = task.name;
    names.objects = object_names;
    records.assign(trace.begin(), trace.end());
  }
  emu::attribute_syscalls(records);
  std::ostringstream out;
  emu::write_trace_text(out, records, names);
  return out.str();
}

}  // namespace harbor::testing
