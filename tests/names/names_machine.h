// tests/names/names_machine.h - a hosted machine with the real name server, for the name
// service's integration and fuzz tests.
//
// The machine starts the server (hb_names_serve, in harbor::runtime::name_server_task) as its
// system task, as harbor-emu does; each test runs its tasks as functions forked from the test
// (hosted::Machine::start_function) and reads their verdicts from exit codes. Inside a task,
// TASK_EXPECT prints expected against actual (with HB_ERR_* names) and fails the task.
#pragma once

#include <gtest/gtest.h>
#include <harbor/names.h>
#include <harbor/sys.h>
#include <hosted/machine.h>
#include <kernel/kernel.h>
#include <kernel/port.h>
#include <kernel/task.h>
#include <name_server_task.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>

namespace harbor::runtime {
bool attach_channel(int fd);
}  // namespace harbor::runtime

namespace names_test {

constexpr uint64_t kMs = 1000000ull;
constexpr uint64_t kSecond = 1000 * kMs;

inline const char* status_name(int64_t v) {
  return v < 0 && v >= HB_ERR_ALREADY_EXISTS ? hb_strerror(static_cast<hb_status_t>(v)) : "";
}

// In a task: the check failed; say where and what, and make the exit code 1.
inline int task_failed(const char* file, int line, const char* what, int64_t actual,
                       int64_t expected) {
  std::fprintf(stderr, "%s:%d: in task %llu: %s = %lld %s, expected %lld %s\n", file, line,
               static_cast<unsigned long long>(hb_task_self()), what,
               static_cast<long long>(actual), status_name(actual),
               static_cast<long long>(expected), status_name(expected));
  return 1;
}

#define TASK_EXPECT(actual, expected)                                                        \
  do {                                                                                       \
    int64_t a_ = static_cast<int64_t>(actual), e_ = static_cast<int64_t>(expected);          \
    if (a_ != e_) return names_test::task_failed(__FILE__, __LINE__, #actual, a_, e_);      \
  } while (0)

// Sleeps by waiting on a port that never gets a message.
inline void sleep_ns(uint64_t ns) {
  hb_handle_t r, s;
  if (hb_port_create(HB_PORT_BOUNDED, 1, 0, &r, &s) != HB_OK) return;
  char b;
  hb_msg_in in{};
  in.data = &b;
  in.cap = 1;
  hb_recv(r, &in, 0, ns);
  hb_handle_close(r);
  hb_handle_close(s);
}

class NamesMachineTest : public ::testing::Test {
 protected:
  void SetUp() override { start_machine(true); }

  void start_machine(bool with_names) {
    m_machine.reset();
    hosted::MachineOptions options;
    options.cores = 2;
    if (with_names) options.name_server = harbor::runtime::name_server_task;
    m_machine = std::make_unique<hosted::Machine>(options);
  }

  hb_task_id_t spawn(std::function<int()> fn, const char* name = "task") {
    hosted::Machine::Started started = m_machine->start_function(
        [fn](int channel_fd) {
          if (!harbor::runtime::attach_channel(channel_fd)) return 127;
          close(channel_fd);
          return fn();
        },
        name);
    EXPECT_EQ(HB_OK, started.status);
    return started.task;
  }

  // The task's exit code (a failure and -1000 if it does not end within a minute).
  int32_t exit_code(hb_task_id_t task) {
    hosted::Machine::Exit exit = m_machine->wait(task, 60 * kSecond);
    EXPECT_EQ(HB_OK, exit.status) << "task " << task << " did not end";
    return exit.status == HB_OK ? exit.code : -1000;
  }
  // Runs fn as a task and returns its exit code.
  int32_t run(std::function<int()> fn, const char* name = "task") {
    return exit_code(spawn(std::move(fn), name));
  }

  // How many handles the name server holds now (its handle table, seen by the kernel).
  uint32_t server_handles() {
    uint32_t used = 0;
    m_machine->with_kernel([&](kernel::Kernel& k) {
      kernel::Task* server = k.find_task(kernel::Kernel::kSystemTaskId);
      used = server ? server->handles().used_slots() : 0;
    });
    return used;
  }
  bool server_running() {
    bool running = false;
    m_machine->with_kernel([&](kernel::Kernel& k) {
      running = k.find_task(kernel::Kernel::kSystemTaskId) != nullptr;
    });
    return running;
  }

  std::unique_ptr<hosted::Machine> m_machine;
};

}  // namespace names_test
