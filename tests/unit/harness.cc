// tests/unit/harness.cc - the unit-test fixture (see harness.h).
#include "entry.h"
#include "harness.h"

#include <arch/clock.h>
#include <arch/test_control.h>
#include <kernel/task.h>

#include <cstring>
#include <sstream>

namespace harbor::test {

namespace {

constexpr int64_t kNoSuchTask = INT64_MIN + 1;  // the harness refused: the task is gone

uint64_t addr(const void* p) { return reinterpret_cast<uint64_t>(p); }

const char* error_name(int64_t status) {
  switch (status) {
    case HB_OK: return "HB_OK";
    case HB_ERR_BAD_HANDLE: return "HB_ERR_BAD_HANDLE";
    case HB_ERR_ACCESS: return "HB_ERR_ACCESS";
    case HB_ERR_WOULD_BLOCK: return "HB_ERR_WOULD_BLOCK";
    case HB_ERR_TIMED_OUT: return "HB_ERR_TIMED_OUT";
    case HB_ERR_PEER_CLOSED: return "HB_ERR_PEER_CLOSED";
    case HB_ERR_NO_MEMORY: return "HB_ERR_NO_MEMORY";
    case HB_ERR_TOO_BIG: return "HB_ERR_TOO_BIG";
    case HB_ERR_FAULT: return "HB_ERR_FAULT";
    case HB_ERR_INVALID_ARG: return "HB_ERR_INVALID_ARG";
    case HB_ERR_BUFFER_TOO_SMALL: return "HB_ERR_BUFFER_TOO_SMALL";
    case HB_ERR_NOT_FOUND: return "HB_ERR_NOT_FOUND";
    case HB_ERR_WRONG_TYPE: return "HB_ERR_WRONG_TYPE";
    default: return nullptr;
  }
}

// Hints for the mistakes these tests are most likely to catch.
const char* hint(int64_t expected, int64_t actual) {
  if (expected == kernel::kBlocked && actual == HB_OK)
    return "the call completed at once: did a port have room, or a receiver wait, that the test "
           "did not expect?";
  if (expected == HB_OK && actual == kernel::kBlocked)
    return "the call blocked: a bounded port full, a rendezvous without receiver, or SYNC?";
  if (actual == HB_ERR_BAD_HANDLE)
    return "the handle number is not in the task's table (closed, moved away in a message, or "
           "never given to this task)";
  if (actual == kNoSuchTask) return "the harness refused: that task is gone or blocked";
  return nullptr;
}

}  // namespace

std::string status_name(int64_t status) {
  if (status == kernel::kBlocked) return "kBlocked";
  if (status == kNoSuchTask) return "<harness: task gone or blocked>";
  if (status == HB_OK) return "HB_OK";
  if (const char* name = error_name(status)) return std::string(name) + " (" + std::to_string(status) + ")";
  return std::to_string(status);
}

::testing::AssertionResult StatusEq(const char* expected_expr, const char* actual_expr,
                                    int64_t expected, int64_t actual) {
  if (expected == actual) return ::testing::AssertionSuccess();
  ::testing::AssertionResult r = ::testing::AssertionFailure();
  r << actual_expr << "\n    expected: " << status_name(expected) << "  (" << expected_expr
    << ")\n      actual: " << status_name(actual);
  if (const char* h = hint(expected, actual)) r << "\n        hint: " << h;
  return r;
}

::testing::AssertionResult ResumedWith(const char* task_expr, const char*,
                                       const TaskHandle& task, int64_t expected) {
  if (!task.alive())
    return ::testing::AssertionFailure()
           << task_expr << " (" << task.name() << ") has exited; expected it resumed with "
           << status_name(expected);
  if (!task.resumed())
    return ::testing::AssertionFailure()
           << task_expr << " (" << task.name() << ") is still blocked; expected its syscall to "
           << "have completed with " << status_name(expected)
           << "\n        hint: nobody woke it (a missed wake-up, or the wrong task was woken)";
  if (task.result() != expected)
    return ::testing::AssertionFailure()
           << task_expr << " (" << task.name() << ") was resumed\n    expected: "
           << status_name(expected) << "\n      actual: " << status_name(task.result());
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult StillBlocked(const char* task_expr, const TaskHandle& task) {
  if (!task.alive())
    return ::testing::AssertionFailure() << task_expr << " (" << task.name() << ") has exited";
  if (task.resumed())
    return ::testing::AssertionFailure()
           << task_expr << " (" << task.name() << ") was resumed with "
           << status_name(task.result()) << " but should still be blocked";
  if (!task.blocked())
    return ::testing::AssertionFailure()
           << task_expr << " (" << task.name() << ") is not blocked in the kernel";
  return ::testing::AssertionSuccess();
}

// ---- TaskHandle ----------------------------------------------------------------------------

kernel::Task* TaskHandle::task() const {
  if (!m_harness) return nullptr;
  return m_harness->kernel().find_task(m_id);
}

bool TaskHandle::alive() const {
  kernel::Task* t = task();
  return t && t->alive();
}

bool TaskHandle::blocked() const {
  kernel::Task* t = task();
  return t && t->state() == kernel::TaskState::Blocked;
}

std::string TaskHandle::name() const {
  std::ostringstream s;
  s << "task " << m_id;
  if (kernel::Task* t = task()) s << " (" << t->name() << ")";
  return s.str();
}

bool TaskHandle::resumed() const {
  kernel::Task* t = task();
  return t && t->context() && t->context()->resumed;
}

int64_t TaskHandle::result() const {
  kernel::Task* t = task();
  return (t && t->context()) ? t->context()->result : kNoSuchTask;
}

int64_t TaskHandle::syscall(uint32_t number, uint64_t a0, uint64_t a1, uint64_t a2,
                            uint64_t a3, uint64_t a4, uint64_t a5) const {
  const uint64_t args[6] = {a0, a1, a2, a3, a4, a5};
  return m_harness->syscall(m_id, number, args);
}

int64_t TaskHandle::port_create(uint32_t mode, uint32_t capacity, uint32_t flags,
                                hb_handle_t* recv, hb_handle_t* send) const {
  return syscall(HB_SYS_PORT_CREATE, mode, capacity, flags, addr(recv), addr(send));
}

PortPair TaskHandle::port(uint32_t mode, uint32_t capacity, uint32_t flags) const {
  PortPair p;
  EXPECT_STATUS(HB_OK, port_create(mode, capacity, flags, &p.recv, &p.send))
      << "making a port for " << name();
  return p;
}

int64_t TaskHandle::send(hb_handle_t port, std::string_view bytes,
                         std::vector<hb_handle_t> handles, uint32_t flags,
                         hb_time_t timeout) const {
  hb_msg_out m{bytes.data(), static_cast<uint32_t>(bytes.size()),
               static_cast<uint32_t>(handles.size()), handles.data()};
  return syscall(HB_SYS_SEND, static_cast<uint32_t>(port), addr(&m), flags, timeout);
}

int64_t TaskHandle::send_task(hb_task_id_t target, std::string_view bytes,
                              std::vector<hb_handle_t> handles, uint32_t flags,
                              hb_time_t timeout) const {
  hb_msg_out m{bytes.data(), static_cast<uint32_t>(bytes.size()),
               static_cast<uint32_t>(handles.size()), handles.data()};
  return syscall(HB_SYS_SEND_TASK, target, addr(&m), flags, timeout);
}

namespace {
void prepare_in(Harness::Buffers& b, hb_task_id_t from) {
  b.in = hb_msg_in{};
  b.in.data = b.data.data();
  b.in.cap = b.cap;
  b.in.handles = b.handles;
  b.in.handle_cap = b.handle_cap;
  b.in.sender = from;
  b.in.reply = HB_INVALID;
}
}  // namespace

int64_t TaskHandle::recv(hb_handle_t port, hb_time_t timeout, uint32_t flags,
                         hb_task_id_t from) const {
  Harness::Buffers& b = m_harness->buffers(m_id);
  prepare_in(b, from);
  return syscall(HB_SYS_RECV, static_cast<uint32_t>(port), addr(&b.in), flags, timeout);
}

int64_t TaskHandle::call(hb_handle_t port, std::string_view bytes,
                         std::vector<hb_handle_t> handles, hb_time_t timeout) const {
  Harness::Buffers& b = m_harness->buffers(m_id);
  prepare_in(b, 0);
  hb_msg_out m{bytes.data(), static_cast<uint32_t>(bytes.size()),
               static_cast<uint32_t>(handles.size()), handles.data()};
  return syscall(HB_SYS_CALL, static_cast<uint32_t>(port), addr(&m), addr(&b.in), timeout);
}

int64_t TaskHandle::reply(hb_handle_t reply, std::string_view bytes,
                          std::vector<hb_handle_t> handles) const {
  hb_msg_out m{bytes.data(), static_cast<uint32_t>(bytes.size()),
               static_cast<uint32_t>(handles.size()), handles.data()};
  return syscall(HB_SYS_REPLY, static_cast<uint32_t>(reply), addr(&m));
}

int64_t TaskHandle::reply_recv(hb_handle_t reply, std::string_view bytes, hb_handle_t port,
                               hb_time_t timeout) const {
  Harness::Buffers& b = m_harness->buffers(m_id);
  // The answer's bytes are copied in before the receive writes the buffers: copy them
  // aside anyway, so that replying with got().data is safe.
  std::string answer(bytes);
  prepare_in(b, 0);
  hb_msg_out m{answer.data(), static_cast<uint32_t>(answer.size()), 0, nullptr};
  return syscall(HB_SYS_REPLY_RECV, static_cast<uint32_t>(reply), addr(&m),
                 static_cast<uint32_t>(port), addr(&b.in), timeout);
}

int64_t TaskHandle::close(hb_handle_t handle) const {
  return syscall(HB_SYS_HANDLE_CLOSE, static_cast<uint32_t>(handle));
}

int64_t TaskHandle::dup(hb_handle_t handle, uint32_t rights, hb_handle_t* out) const {
  return syscall(HB_SYS_HANDLE_DUP, static_cast<uint32_t>(handle), rights, addr(out));
}

int64_t TaskHandle::info(hb_handle_t handle, hb_handle_info_t* out) const {
  return syscall(HB_SYS_HANDLE_INFO, static_cast<uint32_t>(handle), addr(out));
}

hb_handle_info_t TaskHandle::info(hb_handle_t handle) const {
  hb_handle_info_t i{};
  EXPECT_STATUS(HB_OK, info(handle, &i)) << "hb_handle_info(" << handle << ") in " << name();
  return i;
}

int64_t TaskHandle::mint(hb_handle_t send, uint64_t badge, hb_handle_t* out) const {
  return syscall(HB_SYS_BADGE_MINT, static_cast<uint32_t>(send), badge, addr(out));
}

int64_t TaskHandle::sem_create(uint32_t initial, uint32_t max, hb_handle_t* out) const {
  return syscall(HB_SYS_SEM_CREATE, initial, max, addr(out));
}

int64_t TaskHandle::sem_wait(hb_handle_t sem, hb_time_t timeout) const {
  return syscall(HB_SYS_SEM_WAIT, static_cast<uint32_t>(sem), timeout);
}

int64_t TaskHandle::sem_post(hb_handle_t sem, uint32_t count) const {
  return syscall(HB_SYS_SEM_POST, static_cast<uint32_t>(sem), count);
}

int64_t TaskHandle::spawn(const char* image, std::string_view bytes,
                          std::vector<hb_handle_t> handles, hb_task_id_t* out) const {
  hb_msg_out m{bytes.data(), static_cast<uint32_t>(bytes.size()),
               static_cast<uint32_t>(handles.size()), handles.data()};
  return syscall(HB_SYS_TASK_SPAWN, addr(image), addr(&m), addr(out));
}

int64_t TaskHandle::wait(hb_task_id_t child, int32_t* exit_code, hb_time_t timeout) const {
  return syscall(HB_SYS_TASK_WAIT, child, addr(exit_code), timeout);
}

int64_t TaskHandle::exit(int32_t code) const {
  return syscall(HB_SYS_TASK_EXIT, static_cast<uint32_t>(code));
}

int64_t TaskHandle::self() const { return syscall(HB_SYS_TASK_SELF); }

void TaskHandle::set_recv_capacity(uint32_t bytes, uint32_t handles) const {
  Harness::Buffers& b = m_harness->buffers(m_id);
  b.cap = bytes;
  b.handle_cap = handles;
}

Received TaskHandle::got() const {
  Harness::Buffers& b = m_harness->buffers(m_id);
  Received r;
  r.len = b.in.len;
  r.handle_count = b.in.handle_count;
  r.sender = b.in.sender;
  r.badge = b.in.badge;
  r.reply = b.in.reply;
  if (b.in.len <= b.in.cap && b.in.len <= b.data.size()) r.data.assign(b.data.data(), b.in.len);
  for (uint32_t i = 0; i < b.in.handle_count && i < b.in.handle_cap; ++i)
    r.handles.push_back(b.handles[i]);
  return r;
}

hb_msg_in& TaskHandle::raw_in() const { return m_harness->buffers(m_id).in; }
char* TaskHandle::recv_data() const { return m_harness->buffers(m_id).data.data(); }
hb_handle_t* TaskHandle::recv_handles() const { return m_harness->buffers(m_id).handles; }

uint32_t TaskHandle::handles_used() const {
  kernel::Task* t = task();
  return t ? t->handles().used_slots() : 0;
}
uint64_t TaskHandle::queued_bytes() const {
  kernel::Task* t = task();
  return t ? t->quota().queued_bytes() : 0;
}
uint64_t TaskHandle::ports_charged() const {
  kernel::Task* t = task();
  return t ? t->quota().ports() : 0;
}
uint64_t TaskHandle::semaphores_charged() const {
  kernel::Task* t = task();
  return t ? t->quota().semaphores() : 0;
}

// ---- Harness ------------------------------------------------------------------------------

void Harness::SetUp() {
  arch::test::reset();
  m_heap_at_start = arch::test::heap_bytes();
  m_kernel = std::make_unique<kernel::Kernel>();
  m_kernel->lock().lock();
}

void Harness::TearDown() {
  if (m_kernel) {
    m_kernel->lock().unlock();
    m_kernel.reset();
  }
  m_buffers.clear();
  EXPECT_EQ(m_heap_at_start, arch::test::heap_bytes())
      << "the kernel heap did not return to its starting size after the kernel was destroyed: "
      << "something leaked (" << arch::test::heap_blocks() << " blocks live)."
      << "\n        hint: an object whose references never drop to zero (a cycle, a missed "
         "release)";
}

void Harness::reset(const kernel::KernelConfig& config) {
  if (m_kernel) {
    m_kernel->lock().unlock();
    m_kernel.reset();
  }
  m_buffers.clear();
  uint64_t leaked = arch::test::heap_bytes() - m_heap_at_start;
  EXPECT_EQ(0u, leaked) << "the previous kernel leaked " << leaked << " heap bytes";
  arch::test::reset();
  m_heap_at_start = arch::test::heap_bytes();
  m_kernel = std::make_unique<kernel::Kernel>(config);
  m_kernel->lock().lock();
}

Harness::Buffers& Harness::buffers(hb_task_id_t id) {
  std::unique_ptr<Buffers>& b = m_buffers[id];
  if (!b) b = std::make_unique<Buffers>();
  return *b;
}

int64_t Harness::syscall(hb_task_id_t id, uint32_t number, const uint64_t args[6]) {
  kernel::Task* task = m_kernel->find_task(id);
  if (!task) {
    ADD_FAILURE() << "syscall " << number << " by task " << id
                  << ", which the kernel has forgotten (it exited)";
    return kNoSuchTask;
  }
  if (task->state() == kernel::TaskState::Blocked) {
    ADD_FAILURE() << "syscall " << number << " by task " << id
                  << ", which is blocked in the kernel (test bug)";
    return kNoSuchTask;
  }
  if (task->context()) task->context()->resumed = false;  // it runs again
  if (m_entry == Entry::CoreSideOnly) return try_core_side(*m_kernel, *task, number, args);
  return enter_syscall(*m_kernel, *task, number, args);  // core side first, as an arch does
}

TaskHandle Harness::spawn(const std::string& image, bool keep_start) {
  arch::test::add_image(image);
  kernel::Result<kernel::Task*> task = m_kernel->spawn_root(image.c_str(), nullptr, 0);
  if (!task.ok()) {
    ADD_FAILURE() << "spawn_root(" << image << ") failed: "
                  << status_name(kernel::to_status(task.error()));
    return TaskHandle();
  }
  TaskHandle t(this, task.value()->id());
  if (!keep_start) EXPECT_STATUS(HB_OK, t.recv(HB_INBOX)) << "draining the start message";
  return t;
}

bool Harness::resumed(const TaskHandle& t) const { return t.resumed(); }
int64_t Harness::result(const TaskHandle& t) const { return t.result(); }

void Harness::advance(uint64_t ns) {
  arch::test::advance_clock(ns);
  m_kernel->expire_deadlines(arch::clock_ns());
}

hb_handle_t Harness::transfer(const TaskHandle& from, hb_handle_t h, const TaskHandle& to) {
  int64_t sent = from.send_task(to.id(), "transfer", {h});
  EXPECT_STATUS(HB_OK, sent) << "transfer: sending handle " << h << " from " << from.name()
                             << " to " << to.name();
  if (sent != HB_OK) return HB_INVALID;
  int64_t got = to.recv(HB_INBOX);
  EXPECT_STATUS(HB_OK, got) << "transfer: receiving in " << to.name();
  if (got != HB_OK || to.got().handles.size() != 1) return HB_INVALID;
  return to.got().handles[0];
}

void Harness::exit_all() {
  std::vector<hb_task_id_t> ids;
  m_kernel->for_each_task([&](kernel::Task& t) {
    if (t.alive()) ids.push_back(t.id());
  });
  for (hb_task_id_t id : ids) {
    kernel::Task* t = m_kernel->find_task(id);
    if (t && t->alive()) {
      if (t->state() == kernel::TaskState::Blocked)
        m_kernel->task_died(*t, 0);
      else
        TaskHandle(this, id).exit(0);
    }
  }
}

}  // namespace harbor::test
