// kernel/kernel.cc - the life of tasks (create, block, wake, exit, reap) and the syscall
// entry. The IPC path itself is in ipc_send.cc, ipc_receive.cc and ipc_call.cc.
#include <arch/clock.h>
#include <arch/task_hooks.h>
#include <kernel/grant_region.h>
#include <kernel/ipc.h>
#include <kernel/kernel.h>
#include <kernel/port.h>
#include <kernel/reply.h>
#include <kernel/semaphore.h>
#include <kernel/syscalls.h>

namespace kernel {

Kernel::Kernel(const KernelConfig& config) : m_config(config) {
  m_caches.set_enabled(config.per_core_caches);
  m_caches.set_trace(&m_trace);
}

Kernel::~Kernel() {
  // No one else may use the kernel now (the arch has stopped serving tasks), so no lock.
  for (uint32_t i = 0; i < kMaxTasks; ++i)
    if (m_tasks[i] && m_tasks[i]->alive()) exit_task(*m_tasks[i], -9);
  for (uint32_t i = 0; i < kMaxTasks; ++i)
    if (m_tasks[i]) reap(*m_tasks[i]);
  if (!m_name_service.empty()) capability_drop(m_name_service);
  flush_discarded();
}

// ---- task ids and the task table ---------------------------------------------------------

hb_task_id_t Kernel::peek_next_task_id() const {
  hb_task_id_t id = m_last_task_id;
  for (uint32_t tries = 0; tries < kMaxTasks; ++tries) {
    ++id;
    if (!m_tasks[id % kMaxTasks]) return id;
  }
  return 0;  // table full
}

hb_task_id_t Kernel::allocate_task_id() {
  // Ids count up forever (never reused); a task sits in slot id % kMaxTasks, so finding
  // it is O(1). Skipping ids whose slot is taken keeps both promises.
  hb_task_id_t id = peek_next_task_id();
  if (id) m_last_task_id = id;
  return id;
}

Task* Kernel::find_task(hb_task_id_t id) const {
  if (id == 0) return nullptr;
  Task* task = m_tasks[id % kMaxTasks];
  return (task && task->id() == id) ? task : nullptr;
}

Result<Task*> Kernel::new_task(Task* parent, bool system) {
  QuotaLimits limits = m_config.quota;
  hb_task_id_t id = 0;
  if (system) {
    if (m_tasks[kSystemTaskId % kMaxTasks]) return Error::InvalidArg;  // only one
    id = kSystemTaskId;
    if (limits.handles < kSystemTaskHandles) limits.handles = kSystemTaskHandles;
  } else {
    id = allocate_task_id();
  }
  if (!id) return Error::NoMemory;
  Task* task = TRY(Task::try_create(*this, id, parent ? parent->id() : 0, limits,
                                    m_config.inbox_capacity));
  m_tasks[id % kMaxTasks] = task;
  ++m_task_count;
  return task;
}

void Kernel::forget_new_task(Task& task) {
  // Undo new_task() for a task that never ran.
  task.set_state(TaskState::Zombie);
  task.handles().drop_all();
  task.drop_inbox();
  flush_discarded();
  m_tasks[task.id() % kMaxTasks] = nullptr;
  --m_task_count;
  task.release();
}

Status Kernel::start_task(Task& task, Task* parent, const char* image, uint32_t core,
                          const char* args, uint32_t args_len) {
  task.set_name(image);
  task.set_core(core);
  arch::TaskContext* context = nullptr;
  int32_t status = arch::task_start(&task, image, args, args_len, &context);
  if (status != HB_OK) return static_cast<Error>(status);
  task.set_context(context);
  if (parent) parent->m_children.push_back(task);
  ++stats().tasks_created;
  ++stats().tasks_alive;
  m_trace.emit(TraceKind::TaskStart, task.id(), 0, 0, 0, parent ? parent->id() : 0);
  return {};
}

Result<Task*> Kernel::spawn_root(const char* image, const void* start, uint32_t len,
                                 Capability* caps, uint32_t cap_count, uint32_t core) {
  return spawn(image, start, len, caps, cap_count, core, false);
}

Result<Task*> Kernel::spawn(const char* image, const void* start, uint32_t len,
                            Capability* caps, uint32_t cap_count, uint32_t core, bool system) {
  if (len > HB_MSG_MAX || cap_count > HB_MSG_HANDLES_MAX) return Error::TooBig;
  Task* task = TRY(new_task(nullptr, system));
  Result<Message*> created = Message::try_create(*task, len);
  if (!created.ok()) {
    forget_new_task(*task);
    return created.error();
  }
  Message* message = created.value();
  const uint8_t* bytes = static_cast<const uint8_t*>(start);
  for (uint32_t i = 0; i < len; ++i) message->payload()[i] = bytes[i];
  Status started = start_task(*task, nullptr, image, core, static_cast<const char*>(start), len);
  if (!started.ok()) {
    Message::destroy(message);
    forget_new_task(*task);
    return started.error();
  }
  message->commit_handles(*task);  // no handles of a task's table travel in it
  for (uint32_t i = 0; i < cap_count; ++i) message->add_capability(caps[i]);
  message->set_sender_id(0);  // the start message of a root task comes from the kernel
  task->inbox().enqueue(*message);
  return task;
}

Result<Task*> Kernel::spawn_system(const char* image, Capability& service_recv, uint32_t core) {
  if (!m_name_service.empty()) return Error::InvalidArg;  // one name service per kernel
  Task* task = TRY(spawn(image, nullptr, 0, nullptr, 0, core, true));
  Result<hb_handle_t> h = task->handles().install(service_recv);
  KASSERT(h.ok() && h.value() == HB_NAME_SERVICE, "the service's receive side is handle 2");
  task->set_has_name_service();  // it cannot close it either
  return task;
}

void Kernel::set_name_service(Capability& send) {
  if (!m_name_service.empty()) capability_drop(m_name_service);
  m_name_service = send;
  send = Capability{};
}

Status Kernel::make_port(uint32_t mode, uint32_t capacity, uint32_t flags, Capability* recv,
                         Capability* send) {
  Port* port = TRY(Port::try_create(*this, nullptr, mode, capacity, flags));
  *recv = capability_create(*port, port->recv_rights_for_new_handle(), 0);
  *send = capability_create(*port, Port::kSendRights, 0);
  port->release();  // the capabilities hold it now
  return {};
}

// ---- blocking and waking ----------------------------------------------------------------

void Kernel::block(Task& task, uint64_t timeout) {
  KASSERT(task.state() == TaskState::Running, "blocking a task that is not running");
  KASSERT(timeout != HB_NOWAIT, "HB_NOWAIT never blocks");
  WaitState& w = task.wait();
  w.syscall = m_per_core[arch::current_core()].current_syscall;
  w.deadline = UINT64_MAX;
  if (timeout != HB_FOREVER) {  // (no clock read for the common wait-for-ever)
    uint64_t now = arch::clock_ns();
    if (timeout <= UINT64_MAX - now) w.deadline = now + timeout;
  }
  task.set_state(TaskState::Blocked);
  ++task.stats_blocks;
  ++stats().blocks;
  if (w.deadline != UINT64_MAX) {
    m_deadline_lock.lock();
    uint64_t before = m_deadlines.earliest_deadline();
    m_deadlines.insert(task);
    uint64_t after = m_deadlines.earliest_deadline();
    m_deadline_lock.unlock();
    if (after != before) arch::timer_set(after);
  }
  m_trace.emit(TraceKind::Block, task.id(), static_cast<uint16_t>(w.syscall),
               w.port ? w.port->koid() : 0, static_cast<int64_t>(w.kind));
}

void Kernel::end_wait(Task& task) {
  WaitState& w = task.wait();
  if (w.deadline != UINT64_MAX) {
    // heap_index is the heap's: moving other tasks in it rewrites it, so read it under the
    // heap's lock (a task with no deadline was never in the heap).
    m_deadline_lock.lock();
    if (w.heap_index != UINT32_MAX) m_deadlines.remove(task);
    m_deadline_lock.unlock();
  }
  if (w.reply) {
    w.reply->orphan();
    w.reply->release();
  }
  w = WaitState{};
  task.set_state(TaskState::Running);
}

void Kernel::resume(Task& task, int64_t result) {
  ++stats().wakeups;
  m_trace.emit(TraceKind::Wake, task.id(), 0, 0, result);
  if (task.context()) arch::task_resume(task.context(), result);
}

void Kernel::wake(Task& task, int64_t result) {
  KASSERT(task.state() == TaskState::Blocked, "waking a task that is not blocked");
  end_wait(task);
  resume(task, result);
}

void Kernel::interrupt(Task& task, int64_t result) {
  if (task.state() != TaskState::Blocked) return;
  cancel_wait(task);
  resume(task, result);
}

void Kernel::cancel_wait(Task& task) {
  WaitState& w = task.wait();
  switch (w.kind) {
    case WaitKind::Send: {
      // Our message was never accepted: take it back; its handles never left our table.
      Message* m = w.message;
      Port* port = w.port;
      if (m) {
        m->m_blocked_sender = nullptr;
        if (m->m_queue_node.linked()) {
          port->dequeue(*m);  // a SYNC message still queued: its slot frees up
          Message::destroy(m);
          admit_blocked_senders(*this, *port);
        } else {
          port->remove_blocked_sender(task);
          Message::destroy(m);
        }
      }
      break;
    }
    case WaitKind::Receive:
      w.port->remove_blocked_receiver(task);
      break;
    case WaitKind::Semaphore:
      w.semaphore->remove_waiter(task);
      break;
    case WaitKind::Reply:  // (5) in reply.h: end_wait orphans the reply
    case WaitKind::Child:
    case WaitKind::None:
      break;
  }
  end_wait(task);
}

void Kernel::expire_deadlines(uint64_t now) {
  ++stats().kernel_entries;
  for (;;) {
    m_deadline_lock.lock();
    Task* task = m_deadlines.earliest();
    bool due = task && task->wait().deadline <= now;
    m_deadline_lock.unlock();
    if (!due) break;
    cancel_wait(*task);
    resume(*task, HB_ERR_TIMED_OUT);  // DOC: timeout-wakes-with-timed-out
  }
  flush_discarded();
  arch::timer_set(next_deadline());
}

uint64_t Kernel::next_deadline() const {
  m_deadline_lock.lock();
  uint64_t deadline = m_deadlines.earliest_deadline();
  m_deadline_lock.unlock();
  return deadline;
}

// ---- messages nobody will receive -------------------------------------------------------

void Kernel::discard(Message* message) { m_discarded.push_back(*message); }

void Kernel::flush_discarded() {
  // Destroying a message drops the capabilities it carries; dropping a receive right kills
  // that port, which discards its messages here in turn. A loop, not recursion.
  while (Message* m = m_discarded.pop_front()) Message::destroy(m);
}

// ---- exit and reaping -------------------------------------------------------------------

void Kernel::exit_task(Task& task, int32_t code) {
  if (!task.alive()) return;
  if (task.state() == TaskState::Blocked) cancel_wait(task);
  task.set_state(TaskState::Zombie);
  task.set_exit_code(code);
  --stats().tasks_alive;
  m_trace.emit(TraceKind::TaskExit, task.id(), 0, 0, code);
  // Everything the task owned goes: its mappings, its ports die (waking their senders),
  // reply capabilities it held wake their callers, its inbox dies.
  while (Mapping* mapping = task.m_mappings.front()) GrantRegion::unmap(*mapping);
  task.handles().drop_all();
  task.drop_inbox();
  task.drop_reply_cache();
  while (Task* child = task.m_children.pop_front()) {
    child->orphan();
    if (!child->alive()) reap(*child);
  }
  if (arch::TaskContext* context = task.context()) {
    task.set_context(nullptr);
    arch::task_stop(context);  // the arch may read task's exit code until it returns
  }
  Task* parent = find_task(task.parent());
  if (!parent || !parent->alive()) {
    reap(task);
  } else if (parent->state() == TaskState::Blocked && parent->wait().kind == WaitKind::Child &&
             parent->wait().child == task.id()) {
    finish_child_wait(*parent, task);
  }
  flush_discarded();
}

void Kernel::task_died(Task& task, int32_t code) {
  ++stats().kernel_entries;
  exit_task(task, code);
}

bool Kernel::collect_exit_code(Task& parent, Task& child, uint64_t user_code) {
  int32_t code = child.exit_code();
  if (user_code && arch::copy_to_user(parent.context(), user_code, &code, sizeof(code)) != HB_OK)
    return false;
  reap(child);
  return true;
}

void Kernel::finish_child_wait(Task& parent, Task& child) {
  bool ok = collect_exit_code(parent, child, parent.wait().user_exit_code);
  wake(parent, ok ? HB_OK : HB_ERR_FAULT);
}

void Kernel::reap(Task& task) {
  KASSERT(!task.alive(), "reaping a live task");
  if (Task* parent = find_task(task.parent())) {
    if (task.m_children_node.linked()) parent->m_children.remove(task);
  }
  m_tasks[task.id() % kMaxTasks] = nullptr;
  --m_task_count;
  task.release();
}

// ---- the syscall entry ------------------------------------------------------------------

// The syscalls that may run on the core side of the kernel lock (kernel_lock.h): the IPC
// path, which takes the lock of its port; the semaphore operations, which take the lock of
// their semaphore; and three that touch nothing shared.
bool Kernel::may_run_core_side(uint32_t number) {
  switch (number) {
    case HB_SYS_SEND:
    case HB_SYS_SEND_TASK:
    case HB_SYS_RECV:
    case HB_SYS_CALL:
    case HB_SYS_REPLY:
    case HB_SYS_REPLY_RECV:
    case HB_SYS_SEM_WAIT:
    case HB_SYS_SEM_POST:
    case HB_SYS_TASK_SELF:
    case HB_SYS_YIELD:
    case HB_SYS_CLOCK_NS:
      return true;
    default:
      return false;
  }
}

int64_t Kernel::syscall(Task& task, uint32_t number, const uint64_t args[6]) {
  // A core-side attempt that gave up already counted and traced this syscall's entry.
  bool counted = task.m_entered_core_side;
  task.m_entered_core_side = false;
  ++stats().kernel_entries;
  if (counted) ++stats().whole_kernel_retries;
  return run_syscall(task, number, args, counted);
}

int64_t Kernel::syscall_core_side(Task& task, uint32_t number, const uint64_t args[6]) {
  if (!may_run_core_side(number)) return kNeedsWholeKernel;
  PerCore& core = m_per_core[arch::current_core()];
  ++core.stats.kernel_entries;
  core.core_side = true;
  int64_t result = run_syscall(task, number, args, false);
  core.core_side = false;
  KASSERT(m_discarded.empty(), "a core-side syscall discarded a message");
  if (result == kNeedsWholeKernel) {
    task.m_entered_core_side = true;
  } else {
    ++core.stats.core_side;
  }
  return result;
}

int64_t Kernel::run_syscall(Task& task, uint32_t number, const uint64_t args[6], bool counted) {
  if (!task.alive()) return HB_ERR_PEER_CLOSED;
  // A blocked task cannot make another syscall; a broken arch or a forged request might try.
  if (task.state() != TaskState::Running) return HB_ERR_INVALID_ARG;
  task.retain();  // the task may exit inside; keep the object until we are done with it
  if (!counted) {
    ++stats().syscalls;
    ++task.stats_syscalls;
    m_trace.emit(TraceKind::SyscallEnter, task.id(), static_cast<uint16_t>(number), 0, 0);
  }
  m_per_core[arch::current_core()].current_syscall = number;
  int64_t result = dispatch(task, number, args);
  if (result != kBlocked && result != kNeedsWholeKernel)
    m_trace.emit(TraceKind::SyscallExit, task.id(), static_cast<uint16_t>(number), 0, result);
  if (!m_discarded.empty()) flush_discarded();
  task.release();
  return result;
}

KernelStats Kernel::stats_total() const {
  KernelStats total;
  for (const PerCore& core : m_per_core) {
    const KernelStats& s = core.stats;
    total.tasks_created += s.tasks_created;
    total.tasks_alive += s.tasks_alive;
    total.syscalls += s.syscalls;
    total.messages_sent += s.messages_sent;
    total.messages_received += s.messages_received;
    total.bytes_copied += s.bytes_copied;
    total.blocks += s.blocks;
    total.wakeups += s.wakeups;
    total.objects_alive += s.objects_alive;
    total.kernel_entries += s.kernel_entries;
    total.core_side += s.core_side;
    total.whole_kernel_retries += s.whole_kernel_retries;
    total.user_copies += s.user_copies;
    total.payload_copies += s.payload_copies;
    total.payload_bytes += s.payload_bytes;
    total.fast_path += s.fast_path;
  }
  return total;
}

}  // namespace kernel
