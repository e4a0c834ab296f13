// harbor/testing.hpp - Harbor::testing: test Harbor user programs hosted, from GoogleTest.
//
//   TEST(Greeter, AnswersTwoClients) {
//     harbor::testing::Machine machine;          // a hosted Harbor machine for this test
//     harbor::Port port = machine.port();        // the test body is a task: it made a port
//     auto server = machine.spawn([](const harbor::testing::Start& start) {  // a child process
//       for (int i = 0; i < 2; ++i) {
//         harbor::testing::Message m = harbor::testing::recv(start.handle(0));
//         harbor::testing::reply(m, "hello " + m.data);
//       }
//     }, {port.recv.release()});                 // handles move into the task's start message
//     EXPECT_EQ(harbor::testing::call(port.send.get(), "ann"), "hello ann");
//     EXPECT_EQ(machine.wait(server), 0);
//   }                                            // every task is gone here, pass or fail
//
// What a test gets (docs/testing.md tells the whole story):
//   - Machine boots the real kernel in the test process (hosted::Machine, arch/hosted) and
//     makes the test body one of its tasks, so hb_* calls work in the test body as in any
//     task. Its destructor kills every task and joins every thread, even when the test
//     failed or threw.
//   - spawn(fn) runs a function as a task in a child process (a fork of the test: fn sees
//     copies of what it captured); spawn_program(path) runs an executable linked with
//     Harbor::user. wait() returns exit codes; kill() kills a task on purpose.
//   - Every wait has a timeout (Options::timeout) and a watchdog ends a test that runs too
//     long (Options::watchdog): a task that never answers fails the test; it never hangs.
//   - When the test fails, the machine prints what it knows: the options and seed, every
//     task and what it is blocked on, the last trace records of each task, the console.
//
// One Machine at a time in a process. Harbor calls in the test body from one thread.
#pragma once

#include <harbor/ipc.hpp>
#include <harbor/runtime.h>
#include <harbor/sys.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace harbor::testing {

using Milliseconds = std::chrono::milliseconds;

struct Options {
  uint32_t cores{2};           // emulated cores
  bool deterministic{false};   // the machine schedules tasks at syscall boundaries
  uint64_t seed{0};            // deterministic: 0 = round robin, else a seeded random order
  Milliseconds timeout{10000};   // default of wait() and of the helpers below
  Milliseconds watchdog{60000};  // the whole test: then every task is killed, the test fails
  uint32_t trace_tail{12};     // trace records per task in the failure report
  bool echo_console{true};     // print what tasks write (hb_debug_write) as they write it
};

// What a task started with Machine::spawn was given: the handles of its start message, in
// the order they were passed to spawn().
struct Start {
  std::vector<hb_handle_t> handles;
  hb_handle_t handle(size_t i) const { return i < handles.size() ? handles[i] : HB_INVALID; }
};

// wait() could not get an exit code (the task did not end in time, or is unknown).
constexpr int32_t kNoExitCode = INT32_MIN;

class Machine {
 public:
  explicit Machine(Options options = {});
  ~Machine();  // kills every task, joins every thread; on failure prints the report first
  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;

  // Runs `fn` as a new task in a child process forked from this one. fn takes no argument
  // or a `const Start&`, and returns an int (the exit code) or nothing (exit code 0).
  // `handles` are handles of the test body, moved into the task's start message (closed in
  // the test body; they need HB_RIGHT_TRANSFER). A GoogleTest failure inside fn is printed
  // and makes its exit code 1 (if it would have been 0); so does an exception (code 125).
  // The child must not start threads. Returns the task id (0 on failure, with a failure).
  template <typename F>
  hb_task_id_t spawn(F&& fn, std::vector<hb_handle_t> handles = {}, std::string name = "task");

  // Runs an executable linked with Harbor::user as a new task; `args` arrive in its start
  // message (hb_start_args), `handles` as for spawn(). Returns the task id, or 0 with a
  // failure (e.g. HB_ERR_NOT_FOUND: not an executable). `name` defaults to the file name.
  hb_task_id_t spawn_program(const std::string& path, std::vector<std::string> args = {},
                             std::vector<hb_handle_t> handles = {}, std::string name = {});

  // The exit code of `task` once it has ended: what it returned, or passed to hb_task_exit,
  // or minus the signal that killed it (kill(): -9). If it does not end within the timeout,
  // a failure with the machine's report, and kNoExitCode.
  int32_t wait(hb_task_id_t task);
  int32_t wait(hb_task_id_t task, Milliseconds timeout);
  // Kills the task (SIGKILL), as a crash would: the kernel reclaims what it held and wakes
  // its peers with HB_ERR_PEER_CLOSED. False if it is not running.
  bool kill(hb_task_id_t task);

  // The test body's own task id.
  hb_task_id_t self() const;
  // A port made by the test body (hb_port_create); a failure and empty handles if not.
  harbor::Port port(uint32_t mode = HB_PORT_BOUNDED, uint32_t capacity = 8, uint32_t flags = 0);

  // What a failure prints: options and seed, tasks and what each is blocked on, the last
  // trace records of each task, the console's tail. Callable any time.
  std::string report();
  // Everything tasks wrote with hb_debug_write, each line tagged "[name id] ".
  std::string console() const;
  // Every kernel trace record so far, one line each (the format of harbor-emu --trace text).
  std::string trace_text();

  const Options& options() const;

 private:
  hb_task_id_t spawn_function(std::function<int(const Start&)> fn,
                              std::vector<hb_handle_t> handles, std::string name);
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// ---- helpers for any task: the test body, or a function started with spawn() -----------
// Each waits at most `timeout` (default: the machine's Options::timeout) and turns an error
// into a GoogleTest failure that names the call, the status and what it usually means.

Milliseconds default_timeout();

// A message received with recv().
struct Message {
  hb_status_t status{HB_OK};
  std::string data;
  std::vector<harbor::Handle> handles;
  hb_task_id_t sender{0};
  uint64_t badge{0};
  harbor::Handle reply;  // the sender used hb_call: answer with reply()
  bool ok() const { return status == HB_OK; }
};

Message recv(hb_handle_t port, Milliseconds timeout = default_timeout());
// Moves `handles` into the message (closed here when it is sent). True when sent.
bool send(hb_handle_t port, std::string_view data, std::vector<hb_handle_t> handles = {},
          Milliseconds timeout = default_timeout());
// hb_call: sends `request` and returns the reply's bytes ("" and a failure on error).
std::string call(hb_handle_t port, std::string_view request,
                 Milliseconds timeout = default_timeout());
// Answers a message received from an hb_call. True when the reply was delivered.
bool reply(Message& request, std::string_view answer);

// ---- implementation of the template -----------------------------------------------------

template <typename F>
hb_task_id_t Machine::spawn(F&& fn, std::vector<hb_handle_t> handles, std::string name) {
  using Fn = std::decay_t<F>;
  std::function<int(const Start&)> body;
  if constexpr (std::is_invocable_v<Fn&, const Start&>) {
    if constexpr (std::is_void_v<std::invoke_result_t<Fn&, const Start&>>) {
      body = [f = Fn(std::forward<F>(fn))](const Start& start) mutable {
        f(start);
        return 0;
      };
    } else {
      body = [f = Fn(std::forward<F>(fn))](const Start& start) mutable {
        return static_cast<int>(f(start));
      };
    }
  } else {
    static_assert(std::is_invocable_v<Fn&>,
                  "Machine::spawn takes a function of () or of (const harbor::testing::Start&)");
    if constexpr (std::is_void_v<std::invoke_result_t<Fn&>>) {
      body = [f = Fn(std::forward<F>(fn))](const Start&) mutable {
        f();
        return 0;
      };
    } else {
      body = [f = Fn(std::forward<F>(fn))](const Start&) mutable {
        return static_cast<int>(f());
      };
    }
  }
  return spawn_function(std::move(body), std::move(handles), std::move(name));
}

}  // namespace harbor::testing
