// userland/testing/testing_machine.cc - harbor::testing::Machine (harbor/testing.hpp): boot,
// tasks, waits, the watchdog, and the teardown that leaves nothing running.
//
// Life of a test's machine:
//   (1) boot: a hosted::Machine; the test body becomes its task (attach_self) and this
//       process's runtime talks through that task's channel (runtime/hosted/attach.h);
//   (2) the test spawns tasks (fork, or fork + exec) and talks to them;
//   (3) teardown, however the test ends (pass, failure, exception): the watchdog stops; on
//       failure the report is printed; the test body's task ends (its handles close); the
//       hosted machine kills every task and joins its threads.
#include <gtest/gtest.h>
#include <kernel/kernel.h>

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <set>

#include "attach.h"
#include "machine_impl.h"
#include "name_server_task.h"

// The runtime (runtime/hosted/channel.cc) looks for this symbol: a test program is no task
// when it starts, so no HARBOR_CHANNEL_FD is no error; it attaches explicitly (1).
extern "C" {
extern const char hb_runtime_attach_explicitly;
const char hb_runtime_attach_explicitly = 1;
}

namespace harbor::testing {

namespace {

std::atomic<Machine*> g_current{nullptr};  // one Machine at a time per process
// The default timeout of the helpers; a forked task inherits its machine's.
std::atomic<int64_t> g_default_timeout_ms{10000};

uint64_t to_ns(Milliseconds timeout) {
  return timeout.count() <= 0 ? 0 : static_cast<uint64_t>(timeout.count()) * 1000000ull;
}

std::string base_name(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

Milliseconds default_timeout() { return Milliseconds(g_default_timeout_ms.load()); }

// ---- (1) boot ---------------------------------------------------------------------------

Machine::Machine(Options options) : m_impl(std::make_unique<Impl>()) {
  Impl& impl = *m_impl;
  impl.options = options;
  Machine* expected = nullptr;
  if (!g_current.compare_exchange_strong(expected, this))
    ADD_FAILURE() << "harbor::testing: a second Machine while another one exists; this "
                     "process can be a task of one machine at a time";

  hosted::MachineOptions hosted_options;
  hosted_options.cores = options.cores;
  hosted_options.deterministic = options.deterministic;
  hosted_options.seed = options.seed;
  hosted_options.trace = true;  // cheap, and the failure report needs it
  hosted_options.name_server = harbor::runtime::name_server_task;  // harbor/names.h works
  impl.machine = std::make_unique<hosted::Machine>(hosted_options);
  impl.machine->set_console([&impl](hb_task_id_t task, const std::string& name,
                                    const std::string& text) {
    std::string line = "[" + name + " " + std::to_string(task) + "] " + text;
    if (!line.empty() && line.back() != '\n') line += '\n';
    if (impl.options.echo_console) {
      std::fputs(line.c_str(), stdout);
      std::fflush(stdout);
    }
    std::lock_guard<std::mutex> guard(impl.console_mutex);
    impl.console += line;
  });

  hosted::Machine::Attached attached = impl.machine->attach_self("test");
  if (attached.status != HB_OK || !harbor::runtime::attach_channel(attached.channel_fd)) {
    ADD_FAILURE() << "harbor::testing: the test body could not become a task: "
                  << hb_strerror(attached.status);
  } else {
    impl.self = attached.task;
    impl.record(impl.self, "test", "test body");
  }
  if (attached.channel_fd >= 0) close(attached.channel_fd);
  // Deterministic mode: the test body is an executing task, and that alone holds the
  // scheduler until it makes a syscall or waits (hosted/machine.h, attach_self).
  impl.machine->resume();
  g_default_timeout_ms.store(options.timeout.count());
  impl.watch(options.watchdog);
}

// ---- (3) teardown -------------------------------------------------------------------------

Machine::~Machine() {
  Impl& impl = *m_impl;
  {
    std::lock_guard<std::mutex> guard(impl.watchdog_mutex);
    impl.watchdog_stop = true;
  }
  impl.watchdog_cv.notify_all();
  if (impl.watchdog.joinable()) impl.watchdog.join();

  if (impl.watchdog_fired.load()) {
    ADD_FAILURE() << "harbor::testing: watchdog: the test ran longer than "
                  << impl.options.watchdog.count()
                  << " ms (Options::watchdog), so every task was killed. The machine then:\n"
                  << impl.watchdog_report;
  } else if (::testing::Test::HasFailure() && !impl.reported) {
    std::string text = impl.report();
    std::fputs(text.c_str(), stdout);
    std::fflush(stdout);
  }
  // Tasks go first, so that none of them sees the test body's handles close (and fails
  // for it, noisily, in a test that passed).
  impl.kill_all();
  impl.machine->wait_all(to_ns(std::chrono::seconds(10)));
  harbor::runtime::detach_channel();
  impl.machine->detach_self(0);
  impl.machine.reset();  // kills every task process, joins every machine thread
  Machine* self = this;
  g_current.compare_exchange_strong(self, nullptr);
}

// The watchdog: if the test is still running after `limit`, remember the machine's state,
// kill every task and end the test body's task, so that whatever the test body is blocked
// in returns (HB_ERR_PEER_CLOSED) and the test reaches its end, where it fails.
void Machine::Impl::watch(std::chrono::milliseconds limit) {
  watchdog = std::thread([this, limit] {
    std::unique_lock<std::mutex> lock(watchdog_mutex);
    if (watchdog_cv.wait_for(lock, limit, [this] { return watchdog_stop; })) return;
    lock.unlock();
    watchdog_report = report();
    std::string headline = "[harbor] watchdog: the test ran longer than " +
                           std::to_string(limit.count()) + " ms; killing every task\n";
    std::fputs(headline.c_str(), stdout);
    std::fflush(stdout);
    kill_all();
    machine->detach_self(-SIGKILL);
    watchdog_fired.store(true);
  });
}

void Machine::Impl::kill_all() {
  std::vector<hb_task_id_t> ids;  // every task, also those that tasks spawned
  machine->with_kernel([&](kernel::Kernel& kernel) {
    kernel.for_each_task([&](kernel::Task& task) {
      if (task.alive() && task.id() != self) ids.push_back(task.id());
    });
  });
  for (hb_task_id_t id : ids) machine->kill(id);
}

void Machine::Impl::record(hb_task_id_t id, std::string name, const char* kind) {
  {
    std::lock_guard<std::mutex> guard(mutex);
    tasks[id] = TaskRecord{std::move(name), kind, false, 0};
  }
  name_inbox(id);
}

// ---- (2) tasks ----------------------------------------------------------------------------

bool Machine::Impl::take_handles(const std::vector<hb_handle_t>& handles, const char* what,
                                 std::vector<kernel::Capability>* out) {
  if (handles.empty()) return true;
  std::string error;
  machine->with_kernel([&](kernel::Kernel& kernel) {
    kernel::Task* body = kernel.find_task(self);
    if (!body || !body->alive()) {
      error = "the test body is no task (any more)";
      return;
    }
    std::set<hb_handle_t> seen;
    for (hb_handle_t handle : handles) {  // validate all, then move all: nothing half done
      auto cap = body->handles().lookup(handle);
      char number[32];
      std::snprintf(number, sizeof number, "0x%x", static_cast<unsigned>(handle));
      if (!cap.ok()) {
        error = std::string("handle ") + number + " is not a handle of the test body";
      } else if (!cap.value()->has(HB_RIGHT_TRANSFER)) {
        error = std::string("handle ") + number + " lacks HB_RIGHT_TRANSFER";
      } else if (!seen.insert(handle).second) {
        error = std::string("handle ") + number + " is listed twice";
      }
      if (!error.empty()) return;
    }
    for (hb_handle_t handle : handles) out->push_back(body->handles().remove(handle));
  });
  if (error.empty()) return true;
  ADD_FAILURE() << "harbor::testing::Machine::" << what << ": " << error
                << " (handles given to a task move out of the test body, as in a message)";
  return false;
}

hb_task_id_t Machine::spawn_function(std::function<int(const Start&)> fn,
                                     std::vector<hb_handle_t> handles, std::string name) {
  Impl& impl = *m_impl;
  std::vector<kernel::Capability> caps;
  if (!impl.take_handles(handles, "spawn", &caps)) return 0;
  // Runs in the child: fn and name are the child's copies of this frame's (the fork happens
  // while start_function waits).
  hosted::Machine::TaskBody body = [&fn, &name](int channel_fd) {
    return run_function_task(fn, name, channel_fd);
  };
  hosted::Machine::Started started =
      impl.machine->start_function(body, name, UINT32_MAX, std::move(caps));
  if (started.status != HB_OK) {
    ADD_FAILURE() << "harbor::testing::Machine::spawn(" << name
                  << "): " << hb_strerror(started.status);
    return 0;
  }
  impl.record(started.task, name, "function");
  return started.task;
}

hb_task_id_t Machine::spawn_program(const std::string& path, std::vector<std::string> args,
                                    std::vector<hb_handle_t> handles, std::string name) {
  Impl& impl = *m_impl;
  std::vector<kernel::Capability> caps;
  if (!impl.take_handles(handles, "spawn_program", &caps)) return 0;
  hosted::Machine::Started started = impl.machine->start(path, args, UINT32_MAX, std::move(caps));
  if (started.status != HB_OK) {
    ADD_FAILURE() << "harbor::testing::Machine::spawn_program(\"" << path
                  << "\"): " << hb_strerror(started.status)
                  << (started.status == HB_ERR_NOT_FOUND ? " (no executable file there)" : "");
    return 0;
  }
  impl.record(started.task, name.empty() ? base_name(path) : name, "program");
  return started.task;
}

int32_t Machine::wait(hb_task_id_t task) { return wait(task, m_impl->options.timeout); }

int32_t Machine::wait(hb_task_id_t task, Milliseconds timeout) {
  Impl& impl = *m_impl;
  {
    std::lock_guard<std::mutex> guard(impl.mutex);
    auto it = impl.tasks.find(task);
    if (it != impl.tasks.end() && it->second.ended) return it->second.code;
  }
  if (task == impl.self) {
    ADD_FAILURE() << "harbor::testing::Machine::wait: task " << task
                  << " is the test body itself";
    return kNoExitCode;
  }
  hosted::Machine::Exit exit = impl.machine->wait(task, to_ns(timeout));
  if (exit.status == HB_OK) {
    std::lock_guard<std::mutex> guard(impl.mutex);
    Impl::TaskRecord& record = impl.tasks[task];
    record.ended = true;
    record.code = exit.code;
    return exit.code;
  }
  if (exit.status == HB_ERR_NOT_FOUND) {
    ADD_FAILURE() << "harbor::testing::Machine::wait: no task " << task
                  << " was started by this machine";
    return kNoExitCode;
  }
  impl.reported = true;
  ADD_FAILURE() << "harbor::testing: " << impl.task_label(task) << " did not exit within "
                << timeout.count() << " ms (Machine::wait). The machine now:\n"
                << impl.report();
  return kNoExitCode;
}

bool Machine::kill(hb_task_id_t task) { return m_impl->machine->kill(task); }

hb_task_id_t Machine::self() const { return m_impl->self; }

harbor::Port Machine::port(uint32_t mode, uint32_t capacity, uint32_t flags) {
  auto port = harbor::Port::create(mode, capacity, flags);
  if (!port) {
    ADD_FAILURE() << "harbor::testing::Machine::port: hb_port_create(mode " << mode
                  << ", capacity " << capacity << "): " << port.message();
    return {};
  }
  // Name it in traces and reports by its handles' object.
  Impl& impl = *m_impl;
  uint64_t koid = 0;
  hb_handle_t handle = port->recv.get();
  impl.machine->with_kernel([&](kernel::Kernel& kernel) {
    if (kernel::Task* body = kernel.find_task(impl.self)) {
      auto cap = body->handles().lookup(handle);
      if (cap.ok()) koid = cap.value()->object->koid();
    }
  });
  if (koid != 0) {
    std::lock_guard<std::mutex> guard(impl.mutex);
    impl.object_names[koid] = "port " + std::to_string(koid);
  }
  return std::move(port.value());
}

std::string Machine::report() { return m_impl->report(); }

std::string Machine::console() const {
  std::lock_guard<std::mutex> guard(m_impl->console_mutex);
  return m_impl->console;
}

std::string Machine::trace_text() { return m_impl->trace_text(); }

const Options& Machine::options() const { return m_impl->options; }

}  // namespace harbor::testing
