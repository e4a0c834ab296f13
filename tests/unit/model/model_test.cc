// tests/unit/model/model_test.cc - randomized model-based test of the IPC core.
//
// A seeded random sequence of operations (HARBOR_MODEL_OPS, default 100 000) is applied to
// the real kernel (on the in-process test arch) and to the reference model (model.h). After
// every step the two must agree on:
//   - the syscall's return value (kBlocked included);
//   - which blocked tasks were resumed, and with what;
//   - what every receive delivered (bytes, sender, badge, handle count), or the sizes that
//     HB_ERR_BUFFER_TOO_SMALL reported;
//   - every live task's queued-bytes and port quota.
// Every 1000 steps and at the end, the whole state is compared too (each handle's object,
// rights and badge; each port's queue length, send rights and death; who is blocked). At
// the end every task exits; quotas must be back to zero and the kernel heap
// (arch::test::heap_bytes) back where it started.
//
// Seed: HARBOR_SEED=<n> (default fixed); it is printed, and on failure so are the last
// operations, so a failure can be replayed exactly:
//   HARBOR_SEED=1234 build/unit/tests/unit/harbor_model_test
// HARBOR_MODEL_TRACE=1 prints every step as it runs.
#include "entry.h"
#include "model/model.h"

#include <arch/clock.h>
#include <arch/test_control.h>
#include <gtest/gtest.h>
#include <harbor/abi/syscalls.h>
#include <harbor/sys.h>
#include <kernel/kernel.h>
#include <kernel/message.h>
#include <kernel/port.h>

#include <cstdlib>
#include <deque>
#include <iostream>
#include <memory>
#include <random>
#include <set>
#include <sstream>

namespace harbor::test {
namespace {

using model::Handle;
using model::TaskId;

constexpr uint64_t kDefaultSeed = 20261122;
constexpr uint64_t kDefaultOps = 100'000;
constexpr int kTaskSlots = 5;
constexpr uint32_t kBufferBytes = 2048;

std::string status(int64_t s) {
  switch (s) {
    case kernel::kBlocked: return "kBlocked";
    case HB_OK: return "OK";
    case HB_ERR_BAD_HANDLE: return "BAD_HANDLE";
    case HB_ERR_ACCESS: return "ACCESS";
    case HB_ERR_WOULD_BLOCK: return "WOULD_BLOCK";
    case HB_ERR_TIMED_OUT: return "TIMED_OUT";
    case HB_ERR_PEER_CLOSED: return "PEER_CLOSED";
    case HB_ERR_NO_MEMORY: return "NO_MEMORY";
    case HB_ERR_TOO_BIG: return "TOO_BIG";
    case HB_ERR_FAULT: return "FAULT";
    case HB_ERR_INVALID_ARG: return "INVALID_ARG";
    case HB_ERR_BUFFER_TOO_SMALL: return "BUFFER_TOO_SMALL";
    case HB_ERR_NOT_FOUND: return "NOT_FOUND";
    case HB_ERR_WRONG_TYPE: return "WRONG_TYPE";
    default: return std::to_string(s);
  }
}

std::string timeout_name(uint64_t t) {
  if (t == HB_NOWAIT) return "NOWAIT";
  if (t == HB_FOREVER) return "FOREVER";
  return std::to_string(t) + "ns";
}

uint64_t env_or(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::strtoull(value, nullptr, 0) : fallback;
}

// The bytes of message `serial`: its first 8 bytes are the serial, the rest follow from it.
uint8_t payload_byte(uint64_t serial, uint32_t i) {
  if (i < 8) return static_cast<uint8_t>(serial >> (8 * i));
  return static_cast<uint8_t>((serial * 0x9E3779B97F4A7C15ull) >> (8 * (i % 8))) ^
         static_cast<uint8_t>(i);
}

class Driver {
 public:
  explicit Driver(uint64_t seed)
      : m_seed(seed), m_rng(seed), m_model(config(), 0) {}

  // Runs `ops` random steps and the final checks. Returns "" or a failure report.
  std::string run(uint64_t ops);

 private:
  struct Buffers {
    hb_msg_in in{};
    uint8_t data[kBufferBytes]{};
    hb_handle_t handles[HB_MSG_HANDLES_MAX]{};
  };

  static model::Config config() {
    model::Config c;
    c.handle_slots = 16;  // 15 usable: tables fill up, so NO_MEMORY paths run too
    c.port_quota = 4;
    c.message_header_bytes = kernel::message_charge(0);
    c.queued_bytes_quota = 6 * kernel::message_charge(64);
    c.inbox_capacity = 2;
    return c;
  }
  static kernel::KernelConfig kernel_config() {
    model::Config c = config();
    kernel::KernelConfig k;
    k.quota.handles = c.handle_slots;
    k.quota.ports = c.port_quota;
    k.quota.queued_bytes = c.queued_bytes_quota;
    k.inbox_capacity = c.inbox_capacity;
    return k;
  }

  uint32_t rand(uint32_t n) { return n ? static_cast<uint32_t>(m_rng() % n) : 0; }
  bool chance(uint32_t percent) { return rand(100) < percent; }

  // ---- kernel side ----
  kernel::Task* ktask(TaskId id) const { return m_kernel->find_task(id); }
  int64_t sys(TaskId id, uint32_t number, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0,
              uint64_t a3 = 0, uint64_t a4 = 0) {
    const uint64_t args[6] = {a0, a1, a2, a3, a4, 0};
    // Most steps enter as an arch does, core side first (a core-side attempt that gives up
    // must change nothing, or the model disagrees); every fourth, the whole kernel at once.
    if (m_step % 4 == 0) return m_kernel->syscall(*ktask(id), number, args);
    return harbor::test::enter_syscall(*m_kernel, *ktask(id), number, args);
  }
  Buffers& buffers(TaskId id) {
    auto& b = m_buffers[id];
    if (!b) b = std::make_unique<Buffers>();
    return *b;
  }
  void spawn(int slot);

  // ---- one random step of each kind ----
  void step();
  void op_port_create(TaskId t);
  void op_send(TaskId t, bool to_task);
  void op_recv(TaskId t);
  void op_close(TaskId t);
  void op_dup(TaskId t);
  void op_mint(TaskId t);
  void op_advance();
  void op_end(TaskId t, bool kill);

  Handle pick_handle(TaskId t, uint32_t rights);
  std::vector<Handle> pick_moved_handles(TaskId t, Handle through);
  uint64_t pick_timeout();
  TaskId pick_running();

  // ---- comparing ----
  void compare(const std::string& what, TaskId caller, int64_t kernel_ret,
               const model::Outcome& expected, std::vector<Handle> created_real = {});
  void check_delivery(TaskId t, const model::Delivery& d);
  void full_check(const std::string& when);
  void fail(const std::string& why);
  void note_stale_handles(const std::vector<TaskId>& changed);
  std::string describe_resumed(const std::map<TaskId, int64_t>& r) const;

  uint64_t m_seed;
  std::mt19937_64 m_rng;
  std::unique_ptr<kernel::Kernel> m_kernel;
  model::Model m_model;
  TaskId m_slots[kTaskSlots]{};
  std::vector<TaskId> m_gone;  // ids of tasks that exited
  std::map<TaskId, std::unique_ptr<Buffers>> m_buffers;
  std::map<TaskId, std::set<Handle>> m_stale;  // numbers a task held once and no longer
  std::map<TaskId, std::set<Handle>> m_held;   // the task's live numbers after the last step
  uint64_t m_serial{1};
  uint64_t m_step{0};
  std::deque<std::string> m_log;
  std::string m_failure;
  bool m_trace{env_or("HARBOR_MODEL_TRACE", 0) != 0};  // print every step as it runs
  std::map<std::string, std::map<std::string, uint64_t>> m_stats;  // op -> result -> count

 public:
  std::string coverage() const;
};

// ---- setting up ------------------------------------------------------------------------------

void Driver::spawn(int slot) {
  uint64_t serial = m_serial++;
  uint32_t len = rand(25);
  std::vector<uint8_t> bytes(len);
  for (uint32_t i = 0; i < len; ++i) bytes[i] = payload_byte(serial, i);
  std::string image = "task" + std::to_string(slot);
  arch::test::add_image(image);
  kernel::Result<kernel::Task*> task = m_kernel->spawn_root(image.c_str(), bytes.data(), len);
  if (!task.ok()) return fail("spawn_root failed");
  TaskId id = task.value()->id();
  m_model.add_task(id, serial, len);
  m_slots[slot] = id;
  m_held[id] = {HB_INBOX};
  m_log.push_back("spawn slot " + std::to_string(slot) + " -> task " + std::to_string(id) +
                  " (start message " + std::to_string(len) + " bytes)");
}

std::string Driver::run(uint64_t ops) {
  arch::test::reset();
  const uint64_t heap_at_start = arch::test::heap_bytes();
  m_kernel = std::make_unique<kernel::Kernel>(kernel_config());
  m_model = model::Model(config(), arch::clock_ns());
  m_kernel->lock().lock();
  for (int i = 0; i < kTaskSlots && m_failure.empty(); ++i) spawn(i);

  for (m_step = 1; m_step <= ops && m_failure.empty(); ++m_step) {
    step();
    if (m_failure.empty() && m_step % 1000 == 0) full_check("periodic check");
  }
  if (m_failure.empty()) full_check("final state");

  // Every task ends; the kernel must then hold nothing at all.
  if (m_failure.empty()) {
    std::vector<kernel::Task*> kept;
    for (TaskId id : m_model.tasks()) {
      kernel::Task* t = ktask(id);
      t->retain();  // read its quota after it is gone
      kept.push_back(t);
    }
    for (int i = 0; i < kTaskSlots && m_failure.empty(); ++i) {
      TaskId id = m_slots[i];
      ++m_step;
      if (m_model.blocked(id)) {
        m_kernel->task_died(*ktask(id), -9);
        compare("task_died(t" + std::to_string(id) + ", -9)", id, HB_OK, m_model.kill(id));
      } else {
        int64_t r = sys(id, HB_SYS_TASK_EXIT, 0);
        compare("t" + std::to_string(id) + " exit(0)", id, r, m_model.exit(id));
      }
    }
    for (kernel::Task* t : kept) {
      if (m_failure.empty() && !t->quota().all_returned())
        fail("task " + std::to_string(t->id()) + " still charged after every task exited: " +
             std::to_string(t->quota().queued_bytes()) + " queued bytes, " +
             std::to_string(t->quota().ports()) + " ports");
      t->release();
    }
    if (m_failure.empty() && m_kernel->task_count() != 0)
      fail(std::to_string(m_kernel->task_count()) + " tasks left after every task exited");
    if (m_failure.empty() && arch::test::heap_bytes() != heap_at_start)
      fail("kernel heap is " + std::to_string(arch::test::heap_bytes() - heap_at_start) +
           " bytes above its start after every task exited (a leak)");
  }
  m_kernel->lock().unlock();
  m_kernel.reset();
  if (m_failure.empty() && arch::test::heap_bytes() != heap_at_start)
    fail("kernel heap did not return to its start after the kernel was destroyed");
  return m_failure;
}

// ---- random steps -------------------------------------------------------------------------

TaskId Driver::pick_running() {
  std::vector<TaskId> running;
  for (TaskId id : m_slots)
    if (!m_model.blocked(id)) running.push_back(id);
  return running.empty() ? 0 : running[rand(running.size())];
}

void Driver::step() {
  TaskId t = pick_running();
  uint32_t r = rand(100);
  if (!t) {
    // Everyone is blocked: time passes (if anyone has a deadline), or one of them is killed.
    if (m_kernel->next_deadline() != UINT64_MAX && chance(95))
      op_advance();
    else
      op_end(m_slots[rand(kTaskSlots)], true);
    return;
  }
  if (r < 7) op_port_create(t);
  else if (r < 33) op_send(t, false);
  else if (r < 41) op_send(t, true);
  else if (r < 67) op_recv(t);
  else if (r < 75) op_close(t);
  else if (r < 80) op_dup(t);
  else if (r < 82) op_mint(t);
  else if (r < 98) op_advance();
  else if (r < 99) op_end(t, false);
  else op_end(m_slots[rand(kTaskSlots)], true);
}

Handle Driver::pick_handle(TaskId t, uint32_t rights) {
  uint32_t r = rand(100);
  const std::set<Handle>& stale = m_stale[t];
  if (r < 5 && !stale.empty()) {
    auto it = stale.begin();
    std::advance(it, rand(stale.size()));
    return *it;
  }
  if (r < 9) {
    static const Handle garbage[] = {0, -1, 2, 4095, 4096, 0x7fffffff, 0x12345, 0x1001};
    Handle g = garbage[rand(8)];
    return m_model.handles(t).count(g) ? 0 : g;
  }
  std::vector<Handle> fitting, any;
  for (const auto& [h, cap] : m_model.handles(t)) {
    if (h != HB_INBOX) any.push_back(h);
    if ((cap.rights & rights) == rights && (h != HB_INBOX || rights == HB_RIGHT_RECV))
      fitting.push_back(h);
  }
  if (r < 97 && !fitting.empty()) return fitting[rand(fitting.size())];
  if (!any.empty() && chance(80)) return any[rand(any.size())];
  return HB_INBOX;
}

std::vector<Handle> Driver::pick_moved_handles(TaskId t, Handle through) {
  std::vector<Handle> moved;
  uint32_t r = rand(100);
  if (r < (through == 0 ? 40u : 70u)) return moved;  // send_task spreads rights more often
  if (r < 70) r = 70 + rand(30);
  const auto& table = m_model.handles(t);
  // Mostly send rights; now and then a receive right (the port changes owner, or the send
  // is refused because it would close a cycle); the inbox has no TRANSFER (refused).
  std::vector<Handle> movable;
  bool receive_rights_too = chance(25);
  for (const auto& [h, cap] : table)
    if (h != HB_INBOX && (receive_rights_too || !(cap.rights & HB_RIGHT_RECV)))
      movable.push_back(h);
  if (movable.empty() || chance(3)) movable.push_back(HB_INBOX);  // no TRANSFER: ACCESS
  if (r < 93) {
    uint32_t n = r < 88 ? 1 : 2;
    std::set<Handle> picked;
    for (uint32_t i = 0; i < n && picked.size() < movable.size(); ++i) {
      Handle h = movable[rand(movable.size())];
      if (picked.insert(h).second) moved.push_back(h);
    }
    return moved;
  }
  switch (r) {
    case 93:  // the same handle twice: INVALID_ARG
    case 94:
      if (!movable.empty()) moved = {movable[0], movable[0]};
      return moved;
    case 95: {  // the receive right of the port we send through: INVALID_ARG
      auto it = table.find(through);
      if (it == table.end()) return moved;
      for (const auto& [h, cap] : table)
        if (cap.port == it->second.port && (cap.rights & HB_RIGHT_RECV)) moved.push_back(h);
      return moved;
    }
    case 96:  // more than HB_MSG_HANDLES_MAX: TOO_BIG
      moved.assign(HB_MSG_HANDLES_MAX + 1, HB_INBOX);
      return moved;
    default: {  // a stale or made-up number: BAD_HANDLE
      moved.push_back(movable.empty() ? HB_INBOX : movable[0]);
      moved.push_back(pick_handle(t, 0));
      return moved;
    }
  }
}

uint64_t Driver::pick_timeout() {
  uint32_t r = rand(100);
  if (r < 45) return HB_NOWAIT;
  if (r < 60) return HB_FOREVER;
  // A relative timeout whose deadline no blocked task shares: expiry order is then defined
  // (the kernel breaks ties by heap position, the model could not know it).
  uint64_t timeout = 1 + rand(400);
  std::set<uint64_t> taken;
  for (TaskId id : m_slots) taken.insert(m_model.deadline(id));
  while (taken.count(m_model.now() + timeout)) ++timeout;
  return timeout;
}

void Driver::op_port_create(TaskId t) {
  uint32_t mode = rand(3), capacity = 0, flags = 0;
  if (mode == HB_PORT_BOUNDED) capacity = 1 + rand(3);
  switch (rand(40)) {
    case 0: capacity = 0; break;                    // bounded 0 / fine for the others
    case 1: capacity = 2; break;                    // fine for bounded only
    case 2: mode = 3 + rand(5); break;              // no such mode
    case 3: flags = HB_PORT_SHARED_RECV; break;     // shared without system
  }
  hb_handle_t recv = -7, send = -7;
  int64_t r = sys(t, HB_SYS_PORT_CREATE, mode, capacity, flags, reinterpret_cast<uint64_t>(&recv),
                  reinterpret_cast<uint64_t>(&send));
  std::ostringstream what;
  what << "t" << t << " port_create(mode " << mode << ", capacity " << capacity << ", flags "
       << flags << ") -> recv " << recv << " send " << send;
  compare(what.str(), t, r, m_model.port_create(t, mode, capacity, flags), {recv, send});
}

void Driver::op_send(TaskId t, bool to_task) {
  if (!to_task && chance(60)) {
    // A task with no send right at all mostly makes a port instead of failing again.
    bool has_send = false;
    for (const auto& [h, cap] : m_model.handles(t)) has_send |= (cap.rights & HB_RIGHT_SEND) != 0;
    if (!has_send) return op_port_create(t);
  }
  Handle port = to_task ? 0 : pick_handle(t, HB_RIGHT_SEND);
  if (!to_task && chance(60)) {
    // Prefer a port some other task receives on: that is where tasks meet.
    std::set<int> own;
    std::vector<Handle> foreign;
    for (const auto& [h, cap] : m_model.handles(t))
      if (cap.rights & HB_RIGHT_RECV) own.insert(cap.port);
    for (const auto& [h, cap] : m_model.handles(t))
      if ((cap.rights & HB_RIGHT_SEND) && !own.count(cap.port)) foreign.push_back(h);
    if (!foreign.empty()) port = foreign[rand(foreign.size())];
  }
  TaskId target = 0;
  if (to_task) {
    uint32_t r = rand(100);
    if (r < 85) target = m_slots[rand(kTaskSlots)];
    else if (r < 93 && !m_gone.empty()) target = m_gone[rand(m_gone.size())];
    else if (r < 97) target = 987654321;
    else target = 0;
  }
  model::SendArgs a;
  a.serial = m_serial++;
  a.len = chance(85) ? 8 + rand(57) : (chance(50) ? rand(8) : 200 + rand(1500));
  if (chance(1)) a.len = HB_MSG_MAX + 1;
  a.handles = pick_moved_handles(t, port);
  a.flags = chance(15) ? HB_SEND_SYNC : 0;
  if (chance(1)) a.flags |= 1u << 5;
  a.timeout = pick_timeout();

  std::vector<uint8_t> bytes(a.len);
  for (uint32_t i = 0; i < a.len; ++i) bytes[i] = payload_byte(a.serial, i);
  std::vector<hb_handle_t> handles(a.handles.begin(), a.handles.end());
  hb_msg_out m{bytes.data(), a.len, static_cast<uint32_t>(handles.size()), handles.data()};
  int64_t r = to_task ? sys(t, HB_SYS_SEND_TASK, target, reinterpret_cast<uint64_t>(&m),
                            a.flags, a.timeout)
                      : sys(t, HB_SYS_SEND, static_cast<uint32_t>(port),
                            reinterpret_cast<uint64_t>(&m), a.flags, a.timeout);
  std::ostringstream what;
  what << "t" << t << (to_task ? " send_task(task " + std::to_string(target)
                               : " send(handle " + std::to_string(port))
       << ", message #" << a.serial << " of " << a.len << " bytes, handles [";
  for (Handle h : a.handles) what << h << " ";
  what << "], flags " << a.flags << ", " << timeout_name(a.timeout) << ")";
  model::Outcome expected = to_task ? m_model.send_task(t, target, a) : m_model.send(t, port, a);
  compare(what.str(), t, r, expected);
}

void Driver::op_recv(TaskId t) {
  Handle port = chance(25) ? HB_INBOX : pick_handle(t, HB_RIGHT_RECV);
  model::RecvArgs a;
  a.cap = chance(90) ? kBufferBytes : rand(16);
  a.handle_cap = chance(93) ? HB_MSG_HANDLES_MAX : rand(2);
  if (chance(12)) {
    a.flags = HB_RECV_FROM;
    a.from = chance(90) ? m_slots[rand(kTaskSlots)] : 0;
  }
  a.timeout = pick_timeout();
  Buffers& b = buffers(t);
  b.in = hb_msg_in{};
  b.in.data = b.data;
  b.in.cap = a.cap;
  b.in.handles = b.handles;
  b.in.handle_cap = a.handle_cap;
  b.in.sender = a.from;
  int64_t r = sys(t, HB_SYS_RECV, static_cast<uint32_t>(port), reinterpret_cast<uint64_t>(&b.in),
                  a.flags, a.timeout);
  std::ostringstream what;
  what << "t" << t << " recv(handle " << port << ", cap " << a.cap << "/" << a.handle_cap;
  if (a.flags) what << ", from t" << a.from;
  what << ", " << timeout_name(a.timeout) << ")";
  compare(what.str(), t, r, m_model.recv(t, port, a));
}

void Driver::op_close(TaskId t) {
  Handle h = chance(3) ? HB_INBOX : pick_handle(t, 0);
  if (chance(75)) {
    // Mostly send rights: closing a receive right kills the port, and dead ports are dull.
    std::vector<Handle> senders;
    for (const auto& [handle, cap] : m_model.handles(t))
      if (cap.rights & HB_RIGHT_SEND) senders.push_back(handle);
    if (!senders.empty()) h = senders[rand(senders.size())];
  }
  int64_t r = sys(t, HB_SYS_HANDLE_CLOSE, static_cast<uint32_t>(h));
  compare("t" + std::to_string(t) + " close(" + std::to_string(h) + ")", t, r,
          m_model.close(t, h));
}

void Driver::op_dup(TaskId t) {
  Handle h = pick_handle(t, HB_RIGHT_DUP);
  uint32_t rights;
  uint32_t r = rand(100);
  auto it = m_model.handles(t).find(h);
  uint32_t held = it == m_model.handles(t).end() ? 0 : it->second.rights;
  if (r < 30) rights = HB_RIGHTS_SAME;
  else if (r < 75) rights = held & static_cast<uint32_t>(m_rng());  // a subset
  else if (r < 95) rights = rand(256);                               // maybe a superset
  else rights = (1u << (8 + rand(20))) | HB_RIGHT_SEND;              // unknown bits
  hb_handle_t out = -7;
  int64_t res = sys(t, HB_SYS_HANDLE_DUP, static_cast<uint32_t>(h), rights,
                    reinterpret_cast<uint64_t>(&out));
  std::ostringstream what;
  what << "t" << t << " dup(" << h << ", rights 0x" << std::hex << rights << std::dec << ") -> "
       << out;
  compare(what.str(), t, res, m_model.dup(t, h, rights), {out});
}

void Driver::op_mint(TaskId t) {
  Handle h = pick_handle(t, HB_RIGHT_SEND | HB_RIGHT_DUP);
  uint64_t badge = chance(15) ? 0 : 1 + rand(1000);
  hb_handle_t out = -7;
  int64_t r = sys(t, HB_SYS_BADGE_MINT, static_cast<uint32_t>(h), badge,
                  reinterpret_cast<uint64_t>(&out));
  compare("t" + std::to_string(t) + " mint(" + std::to_string(h) + ", badge " +
              std::to_string(badge) + ") -> " + std::to_string(out),
          t, r, m_model.mint(t, h, badge), {out});
}

void Driver::op_advance() {
  uint64_t dt;
  uint64_t next = m_kernel->next_deadline();
  uint64_t now = arch::clock_ns();
  uint32_t r = rand(100);
  if (r < 35 && next != UINT64_MAX && next > now) dt = next - now;  // exactly to a deadline
  else if (r < 80) dt = 1 + rand(100);
  else dt = 100 + rand(1000);
  arch::test::advance_clock(dt);
  m_kernel->expire_deadlines(arch::clock_ns());
  compare("advance(" + std::to_string(dt) + "ns) to " + std::to_string(arch::clock_ns()), 0,
          HB_OK, m_model.advance(dt));
}

void Driver::op_end(TaskId t, bool kill) {
  int slot = 0;
  while (m_slots[slot] != t) ++slot;
  if (kill) {
    m_kernel->task_died(*ktask(t), -9);
    compare("task_died(t" + std::to_string(t) + ", -9)", t, HB_OK, m_model.kill(t));
  } else {
    int64_t r = sys(t, HB_SYS_TASK_EXIT, 0);
    compare("t" + std::to_string(t) + " exit(0)", t, r, m_model.exit(t));
  }
  m_gone.push_back(t);
  m_buffers.erase(t);
  m_held.erase(t);
  m_stale.erase(t);
  if (m_failure.empty()) spawn(slot);
}

// ---- comparing ------------------------------------------------------------------------------

std::string Driver::describe_resumed(const std::map<TaskId, int64_t>& r) const {
  std::ostringstream s;
  s << "{";
  for (const auto& [id, v] : r) s << " t" << id << ":" << status(v);
  s << " }";
  return s.str();
}

void Driver::fail(const std::string& why) {
  if (!m_failure.empty()) return;
  std::ostringstream s;
  s << "\n=== model-based test failed at step " << m_step << " (seed " << m_seed << ") ===\n"
    << why << "\n--- the last " << m_log.size() << " operations (oldest first) ---\n";
  for (const std::string& line : m_log) s << "  " << line << "\n";
  s << "--- replay: HARBOR_SEED=" << m_seed
    << " build/unit/tests/unit/harbor_model_test ---\n"
    << "hint: the model (tests/unit/model/model.cc) states the SPEC rule in play; decide "
       "which side is wrong by reading SPEC 2-3 for the last operation.\n";
  m_failure = s.str();
}

void Driver::check_delivery(TaskId t, const model::Delivery& d) {
  Buffers& b = buffers(t);
  bool same = b.in.len == d.len && b.in.sender == d.sender && b.in.badge == d.badge &&
              b.in.handle_count == d.handles.size() && b.in.reply == HB_INVALID;
  uint32_t bad_byte = UINT32_MAX;
  for (uint32_t i = 0; same && i < d.len; ++i)
    if (b.data[i] != payload_byte(d.serial, i)) bad_byte = i;
  if (!same || bad_byte != UINT32_MAX) {
    std::ostringstream e;
    e << "task " << t << " received the wrong message\n    model expected: message #" << d.serial
      << ", " << d.len << " bytes from t" << d.sender << ", badge " << d.badge << ", "
      << d.handles.size() << " handles\n    kernel delivered: ";
    uint32_t len = std::min<uint32_t>(b.in.len, kBufferBytes);
    if (len >= 8) {
      uint64_t serial = 0;
      for (uint32_t j = 0; j < 8; ++j) serial |= uint64_t{b.data[j]} << (8 * j);
      e << "message #" << serial << ", ";
    }
    e << b.in.len << " bytes from t" << b.in.sender << ", badge " << b.in.badge << ", "
      << b.in.handle_count << " handles, reply " << b.in.reply;
    if (same) e << " (payload differs at byte " << bad_byte << ")";
    return fail(e.str());
  }
  for (size_t i = 0; i < d.handles.size(); ++i) {
    std::string error;
    if (m_stale[t].count(b.handles[i]))
      return fail("task " + std::to_string(t) + " was given handle number " +
                  std::to_string(b.handles[i]) + " again after it was closed or moved away "
                  "(kernel/handle_table.h: stale numbers stay BAD_HANDLE)");
    if (!m_model.rename(t, d.handles[i], b.handles[i], &error)) return fail(error);
  }
}

// Only the caller's table and those of the tasks it resumed can have changed.
void Driver::note_stale_handles(const std::vector<TaskId>& changed) {
  for (TaskId id : changed) {
    if (!m_model.exists(id)) continue;
    std::set<Handle> now;
    for (const auto& [h, cap] : m_model.handles(id)) now.insert(h);
    for (Handle h : m_held[id])
      if (!now.count(h)) m_stale[id].insert(h);
    m_held[id] = now;
  }
}

void Driver::compare(const std::string& what, TaskId caller, int64_t kernel_ret,
                     const model::Outcome& expected, std::vector<Handle> created_real) {
  std::ostringstream line;
  line << "#" << m_step << " " << what << " = " << status(kernel_ret);
  if (!expected.resumed.empty()) line << ", resumed " << describe_resumed(expected.resumed);
  m_log.push_back(line.str());
  while (m_log.size() > 40) m_log.pop_front();
  if (m_trace) std::cout << line.str() << "\n";
  if (!m_failure.empty()) return;

  std::string kind = what.substr(what.find(' ') + 1);
  kind = kind.substr(0, kind.find('('));
  if (what.rfind("advance", 0) == 0) kind = "advance";
  if (what.rfind("task_died", 0) == 0) kind = "task_died";
  ++m_stats[kind][status(kernel_ret)];
  for (const auto& [id, r] : expected.resumed) ++m_stats["resumed"][status(r)];

  if (kernel_ret != expected.ret)
    return fail(what + "\n    kernel returned: " + status(kernel_ret) +
                "\n    model expected:  " + status(expected.ret));

  std::map<TaskId, int64_t> resumed;
  for (TaskId id : m_slots) {
    kernel::Task* t = ktask(id);
    if (t && t->context() && t->context()->resumed) {
      resumed[id] = t->context()->result;
      t->context()->resumed = false;
    }
  }
  if (resumed != expected.resumed)
    return fail(what + "\n    tasks the kernel resumed: " + describe_resumed(resumed) +
                "\n    tasks the model resumed:  " + describe_resumed(expected.resumed));

  for (const auto& [id, d] : expected.deliveries) {
    check_delivery(id, d);
    if (!m_failure.empty()) return;
  }
  for (const auto& [id, need] : expected.too_small) {
    Buffers& b = buffers(id);
    if (b.in.len != need.first || b.in.handle_count != need.second)
      return fail(what + "\n    BUFFER_TOO_SMALL for task " + std::to_string(id) +
                  ": kernel reported len " + std::to_string(b.in.len) + ", " +
                  std::to_string(b.in.handle_count) + " handles; model " +
                  std::to_string(need.first) + ", " + std::to_string(need.second));
  }
  if (expected.ret == HB_OK) {
    if (created_real.size() < expected.created.size())
      return fail(what + ": the model made handles the driver cannot see");
    for (size_t i = 0; i < expected.created.size(); ++i) {
      std::string error;
      if (m_stale[caller].count(created_real[i]))
        return fail(what + ": handle number " + std::to_string(created_real[i]) +
                    " was handed out again after it was closed");
      if (!m_model.rename(caller, expected.created[i], created_real[i], &error))
        return fail(what + ": " + error);
    }
  } else {
    for (Handle h : created_real)
      if (h != -7)
        return fail(what + ": a failed call wrote its out-parameter (" + std::to_string(h) + ")");
  }

  for (TaskId id : m_slots) {
    kernel::Task* t = ktask(id);
    if (!t || !m_model.exists(id)) continue;
    if (t->quota().queued_bytes() != m_model.charged_bytes(id) ||
        t->quota().ports() != m_model.ports_charged(id))
      return fail(what + "\n    quota of task " + std::to_string(id) + ": kernel " +
                  std::to_string(t->quota().queued_bytes()) + " queued bytes, " +
                  std::to_string(t->quota().ports()) + " ports; model " +
                  std::to_string(m_model.charged_bytes(id)) + " bytes, " +
                  std::to_string(m_model.ports_charged(id)) + " ports");
  }
  std::vector<TaskId> changed = {caller};
  for (const auto& [id, r] : resumed) changed.push_back(id);
  note_stale_handles(changed);
}

void Driver::full_check(const std::string& when) {
  std::map<int, kernel::KernelObject*> object_of;  // model port -> kernel object
  std::map<kernel::KernelObject*, int> port_of;
  for (TaskId id : m_slots) {
    kernel::Task* t = ktask(id);
    if (!t) return fail(when + ": task " + std::to_string(id) + " is unknown to the kernel");
    bool kernel_blocked = t->state() == kernel::TaskState::Blocked;
    if (kernel_blocked != m_model.blocked(id))
      return fail(when + ": task " + std::to_string(id) + (kernel_blocked ? " is" : " is not") +
                  " blocked in the kernel, the model says the opposite");
    const auto& table = m_model.handles(id);
    if (t->handles().used_slots() != table.size())
      return fail(when + ": task " + std::to_string(id) + " holds " +
                  std::to_string(t->handles().used_slots()) + " handles; model " +
                  std::to_string(table.size()));
    for (const auto& [h, cap] : table) {
      kernel::Result<kernel::Capability*> found = t->handles().lookup(h);
      if (!found.ok())
        return fail(when + ": handle " + std::to_string(h) + " of task " + std::to_string(id) +
                    " is unknown to the kernel");
      kernel::Capability* c = found.value();
      if (c->object->type() != kernel::ObjectType::Port || c->rights != cap.rights ||
          c->badge != cap.badge)
        return fail(when + ": handle " + std::to_string(h) + " of task " + std::to_string(id) +
                    " has rights 0x" + std::to_string(c->rights) + " badge " +
                    std::to_string(c->badge) + "; model rights 0x" + std::to_string(cap.rights) +
                    " badge " + std::to_string(cap.badge));
      auto [it, fresh] = object_of.emplace(cap.port, c->object);
      auto [it2, fresh2] = port_of.emplace(c->object, cap.port);
      if (it->second != c->object || it2->second != cap.port)
        return fail(when + ": handle " + std::to_string(h) + " of task " + std::to_string(id) +
                    " names a different port in the kernel than in the model");
    }
  }
  for (const auto& [pid, object] : object_of) {
    auto* port = static_cast<kernel::Port*>(object);
    model::Model::PortView v = m_model.port(pid);
    if (port->is_dead() != v.dead || port->queued() != v.queued ||
        port->send_rights() != v.send_rights)
      return fail(when + ": port " + std::to_string(pid) + ": kernel dead=" +
                  std::to_string(port->is_dead()) + " queued=" + std::to_string(port->queued()) +
                  " send_rights=" + std::to_string(port->send_rights()) + "; model dead=" +
                  std::to_string(v.dead) + " queued=" + std::to_string(v.queued) +
                  " send_rights=" + std::to_string(v.send_rights));
  }
}

std::string Driver::coverage() const {
  std::ostringstream s;
  for (const auto& [op, results] : m_stats) {
    s << "  " << op << ":";
    for (const auto& [r, n] : results) s << " " << r << "=" << n;
    s << "\n";
  }
  return s.str();
}

TEST(ModelTest, KernelAgreesWithTheReferenceModel) {
  const uint64_t seed = env_or("HARBOR_SEED", kDefaultSeed);
  const uint64_t ops = env_or("HARBOR_MODEL_OPS", kDefaultOps);
  std::cout << "model-based test: HARBOR_SEED=" << seed << ", " << ops << " operations"
            << std::endl;
  Driver driver(seed);
  std::string failure = driver.run(ops);
  std::cout << "what ran (operation: result=count):\n" << driver.coverage();
  EXPECT_TRUE(failure.empty()) << failure;
}

// A second, different seed every run of the suite would make failures unrepeatable; a
// second fixed seed with other shapes widens coverage instead.
TEST(ModelTest, KernelAgreesWithTheReferenceModelOnASecondSeed) {
  const uint64_t seed = env_or("HARBOR_SEED", kDefaultSeed) ^ 0x5eed;
  const uint64_t ops = env_or("HARBOR_MODEL_OPS", kDefaultOps) / 4;
  std::cout << "model-based test: HARBOR_SEED=" << seed << ", " << ops << " operations"
            << std::endl;
  Driver driver(seed);
  std::string failure = driver.run(ops);
  EXPECT_TRUE(failure.empty()) << failure;
}

}  // namespace
}  // namespace harbor::test
