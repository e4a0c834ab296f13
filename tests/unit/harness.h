// tests/unit/harness.h - a small fixture for unit tests of the kernel core.
//
// Each test gets a fresh kernel::Kernel on the in-process test arch (arch/test): a task is
// a TaskHandle, user memory is the test's own memory, time stands still until advance().
// The fixture holds the kernel lock for the whole test, the way an arch does around every
// kernel entry, and checks in TearDown() that the kernel heap is back where it started once
// the kernel is gone (every test is also a leak test).
//
//   TaskHandle a = spawn("a"), b = spawn("b");
//   PortPair p = a.port(HB_PORT_BOUNDED, 1);
//   EXPECT_STATUS(HB_OK, a.send(p.send, "ping"));
//   EXPECT_STATUS(HB_OK, a.recv(p.recv));
//   EXPECT_EQ("ping", a.got().data);
//
// A syscall that blocks returns kernel::kBlocked; when the kernel later completes it, the
// task is "resumed": EXPECT_RESUMED(b, HB_OK) / EXPECT_BLOCKED(b). What a blocked receive
// delivered sits in the task's receive buffer, read with b.got().
#pragma once

#include <arch/test_control.h>
#include <gtest/gtest.h>
#include <harbor/abi/syscalls.h>
#include <harbor/sys.h>
#include <kernel/kernel.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace harbor::test {

// "HB_OK", "HB_ERR_TIMED_OUT (-4)", "kBlocked", or the number (a task id, a clock value).
std::string status_name(int64_t status);

class Harness;

struct PortPair {
  hb_handle_t recv{HB_INVALID};
  hb_handle_t send{HB_INVALID};
};

// What the last completed receive (or call) delivered into the task's buffers.
struct Received {
  std::string data;                  // in.len bytes (empty unless the receive succeeded)
  std::vector<hb_handle_t> handles;  // in.handle_count handle numbers
  uint32_t len{0};
  uint32_t handle_count{0};
  hb_task_id_t sender{0};
  uint64_t badge{0};
  hb_handle_t reply{HB_INVALID};
};

// A task of the test's kernel, named by its id (the Task object may be gone once it exits).
class TaskHandle {
 public:
  TaskHandle() = default;
  TaskHandle(Harness* harness, hb_task_id_t id) : m_harness(harness), m_id(id) {}

  hb_task_id_t id() const { return m_id; }
  kernel::Task* task() const;  // nullptr once the kernel has forgotten the task
  bool alive() const;
  bool blocked() const;
  std::string name() const;  // "task 3 (a)" for failure messages
  // Has the kernel completed this task's blocked syscall (since its last syscall)? With what?
  bool resumed() const;
  int64_t result() const;

  // ---- raw entry ----
  int64_t syscall(uint32_t number, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0,
                  uint64_t a3 = 0, uint64_t a4 = 0, uint64_t a5 = 0) const;

  // ---- ports and messages ----
  int64_t port_create(uint32_t mode, uint32_t capacity, uint32_t flags, hb_handle_t* recv,
                      hb_handle_t* send) const;
  // port_create that must succeed (a failed EXPECT otherwise).
  PortPair port(uint32_t mode, uint32_t capacity = 0, uint32_t flags = 0) const;
  int64_t send(hb_handle_t port, std::string_view bytes, std::vector<hb_handle_t> handles = {},
               uint32_t flags = 0, hb_time_t timeout = HB_NOWAIT) const;
  int64_t send_task(hb_task_id_t target, std::string_view bytes,
                    std::vector<hb_handle_t> handles = {}, uint32_t flags = 0,
                    hb_time_t timeout = HB_NOWAIT) const;
  // Receives into the task's own buffers (see set_recv_capacity and got()).
  int64_t recv(hb_handle_t port, hb_time_t timeout = HB_NOWAIT, uint32_t flags = 0,
               hb_task_id_t from = 0) const;
  int64_t call(hb_handle_t port, std::string_view bytes, std::vector<hb_handle_t> handles = {},
               hb_time_t timeout = HB_FOREVER) const;
  int64_t reply(hb_handle_t reply, std::string_view bytes,
                std::vector<hb_handle_t> handles = {}) const;
  int64_t reply_recv(hb_handle_t reply, std::string_view bytes, hb_handle_t port,
                     hb_time_t timeout = HB_FOREVER) const;

  // ---- handles ----
  int64_t close(hb_handle_t handle) const;
  int64_t dup(hb_handle_t handle, uint32_t rights, hb_handle_t* out) const;
  int64_t info(hb_handle_t handle, hb_handle_info_t* out) const;
  hb_handle_info_t info(hb_handle_t handle) const;  // must succeed
  int64_t mint(hb_handle_t send, uint64_t badge, hb_handle_t* out) const;

  // ---- semaphores ----
  int64_t sem_create(uint32_t initial, uint32_t max, hb_handle_t* out) const;
  int64_t sem_wait(hb_handle_t sem, hb_time_t timeout = HB_NOWAIT) const;
  int64_t sem_post(hb_handle_t sem, uint32_t count = 1) const;

  // ---- tasks ----
  int64_t spawn(const char* image, std::string_view bytes, std::vector<hb_handle_t> handles,
                hb_task_id_t* out) const;
  int64_t wait(hb_task_id_t child, int32_t* exit_code, hb_time_t timeout = HB_NOWAIT) const;
  int64_t exit(int32_t code) const;  // HB_SYS_TASK_EXIT (returns kBlocked: never returns)
  int64_t self() const;

  // ---- the receive buffers ----
  // Capacity offered by the next receive/call (defaults: 4096 bytes, 16 handles).
  void set_recv_capacity(uint32_t bytes, uint32_t handles) const;
  Received got() const;
  hb_msg_in& raw_in() const;  // the hb_msg_in the kernel writes
  char* recv_data() const;    // the data buffer (for poison())
  hb_handle_t* recv_handles() const;

  // ---- kernel-side state, for "a failed call changed nothing" checks ----
  uint32_t handles_used() const;
  uint64_t queued_bytes() const;
  uint64_t ports_charged() const;
  uint64_t semaphores_charged() const;

  bool operator==(const TaskHandle& other) const { return m_id == other.m_id; }

 private:
  Harness* m_harness{nullptr};
  hb_task_id_t m_id{0};
};

// The per-test fixture.
class Harness : public ::testing::Test {
 public:
  // Receive buffers of one task: they must outlive a blocked receive, so the fixture owns
  // them, one set per task.
  struct Buffers {
    hb_msg_in in{};
    std::vector<char> data = std::vector<char>(HB_MSG_MAX + 64);
    hb_handle_t handles[HB_MSG_HANDLES_MAX + 1]{};
    uint32_t cap{4096};
    uint32_t handle_cap{HB_MSG_HANDLES_MAX};
  };

  kernel::Kernel& kernel() { return *m_kernel; }
  Buffers& buffers(hb_task_id_t id);
  int64_t syscall(hb_task_id_t id, uint32_t number, const uint64_t args[6]);

  // How syscalls enter: as an arch does (the core side of the kernel lock first, then the
  // whole kernel if it gave up: entry.h), or only the core side, returning its result
  // (kernel::kNeedsWholeKernel included) so that a test can check what giving up left.
  enum class Entry { Arch, CoreSideOnly };
  void set_entry(Entry entry) { m_entry = entry; }

 protected:
  void SetUp() override;
  void TearDown() override;

  // Throws the kernel away (killing its tasks) and makes a fresh one with `config`.
  void reset(const kernel::KernelConfig& config = {});

  // A root task running `image` (registered with the test arch). Its start message (empty,
  // from the kernel) is received and dropped unless keep_start.
  TaskHandle spawn(const std::string& image = "task", bool keep_start = false);
  // A task made with hb_task_spawn (its id from the out-parameter).
  TaskHandle adopt(hb_task_id_t id) { return TaskHandle(this, id); }

  // Did the kernel complete the blocked syscall of `t` (since t's last syscall)? With what?
  bool resumed(const TaskHandle& t) const;
  int64_t result(const TaskHandle& t) const;

  // Time passes: the clock moves and due deadlines expire.
  void advance(uint64_t ns);

  // Moves handle `h` of `from` to `to` through `to`'s inbox (which must be empty); returns
  // its number in `to` (HB_INVALID and a failed EXPECT if that did not work).
  hb_handle_t transfer(const TaskHandle& from, hb_handle_t h, const TaskHandle& to);

  // hb_task_exit for every live task (children included).
  void exit_all();

  uint64_t heap_at_start() const { return m_heap_at_start; }

 private:
  std::unique_ptr<kernel::Kernel> m_kernel;
  std::map<hb_task_id_t, std::unique_ptr<Buffers>> m_buffers;
  uint64_t m_heap_at_start{0};
  Entry m_entry{Entry::Arch};
};

// ---- assertions that print status names (STYLE 19: expected against actual) ----

::testing::AssertionResult StatusEq(const char* expected_expr, const char* actual_expr,
                                    int64_t expected, int64_t actual);
::testing::AssertionResult ResumedWith(const char* task_expr, const char* status_expr,
                                       const TaskHandle& task, int64_t expected);
::testing::AssertionResult StillBlocked(const char* task_expr, const TaskHandle& task);

}  // namespace harbor::test

#define EXPECT_STATUS(expected, actual) \
  EXPECT_PRED_FORMAT2(::harbor::test::StatusEq, expected, actual)
#define ASSERT_STATUS(expected, actual) \
  ASSERT_PRED_FORMAT2(::harbor::test::StatusEq, expected, actual)
// The task's blocked syscall has completed with `status`.
#define EXPECT_RESUMED(task, status) \
  EXPECT_PRED_FORMAT2(::harbor::test::ResumedWith, task, status)
#define ASSERT_RESUMED(task, status) \
  ASSERT_PRED_FORMAT2(::harbor::test::ResumedWith, task, status)
// The task is (still) blocked in the kernel and has not been resumed.
#define EXPECT_BLOCKED(task) EXPECT_PRED_FORMAT1(::harbor::test::StillBlocked, task)
