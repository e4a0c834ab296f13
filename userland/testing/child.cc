// userland/testing/child.cc - the child side of Machine::spawn: a fork of the test process
// becomes the new task and runs the test's function.
//
//   (1) attach this process's runtime to the task's channel (the fork inherited the test
//       body's: it is replaced);
//   (2) receive the start message: the handles spawn() was given;
//   (3) run the function. GoogleTest failures in it are recorded in this process's copy of
//       GoogleTest, which nobody reads: the default printer shows them, a listener says
//       which task they happened in, and they turn an exit code of 0 into 1 so that
//       Machine::wait sees them;
//   (4) end the task with hb_task_exit (any int32_t code; also what a parent would see).
#include <gtest/gtest.h>
#include <harbor/runtime.h>

#include <unistd.h>

#include <cstdio>
#include <exception>
#include <string>
#include <utility>

#include "attach.h"
#include "machine_impl.h"

namespace harbor::testing {

namespace {

constexpr int kThrew = 125;  // the function threw (documented in harbor/testing.hpp)

// Says, after each failure GoogleTest prints in this child, in which task it happened.
class TaskTag : public ::testing::EmptyTestEventListener {
 public:
  explicit TaskTag(std::string label) : m_label(std::move(label)) {}
  void OnTestPartResult(const ::testing::TestPartResult& result) override {
    if (!result.failed()) return;
    std::fprintf(stdout, "[harbor] ^ this failure happened in task %s (a child process)\n",
                 m_label.c_str());
    std::fflush(stdout);
  }

 private:
  std::string m_label;
};

int failures_so_far() {
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  if (!test) return 0;
  const ::testing::TestResult* result = test->result();
  int failures = 0;
  for (int i = 0; i < result->total_part_count(); ++i)
    if (result->GetTestPartResult(i).failed()) ++failures;
  return failures;
}

}  // namespace

int run_function_task(const std::function<int(const Start&)>& fn, const std::string& name,
                      int channel_fd) {
  // (1)
  bool attached = harbor::runtime::attach_channel(channel_fd);
  close(channel_fd);
  if (!attached) {
    std::fprintf(stderr, "[harbor] task %s: no channel to attach to\n", name.c_str());
    return 127;
  }
  std::string label = name + "[" + std::to_string(hb_task_self()) + "]";
  ::testing::UnitTest::GetInstance()->listeners().Append(new TaskTag(label));
  // (2)
  Start start;
  hb_start_info info;
  if (hb_start_args(&info) == HB_OK)
    start.handles.assign(info.handles, info.handles + info.handle_count);
  // (3)
  int before = failures_so_far();
  int code = 0;
  try {
    code = fn(start);
  } catch (const std::exception& e) {
    std::fprintf(stdout, "[harbor] task %s threw: %s (exit code %d)\n", label.c_str(), e.what(),
                 kThrew);
    code = kThrew;
  } catch (...) {
    std::fprintf(stdout, "[harbor] task %s threw something (exit code %d)\n", label.c_str(),
                 kThrew);
    code = kThrew;
  }
  int failed = failures_so_far() - before;
  if (failed > 0 && code == 0) {
    std::fprintf(stdout, "[harbor] task %s had %d failure%s: it exits with 1, not 0\n",
                 label.c_str(), failed, failed == 1 ? "" : "s");
    code = 1;
  }
  // (4)
  std::fflush(nullptr);
  hb_task_exit(code);
  return code;  // not reached while the machine is there
}

}  // namespace harbor::testing
