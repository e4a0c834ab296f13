// kernel/task.h - a task: one address space with one thread of control.
//
//   Task --m_handles--> HandleTable --> capabilities (ports, replies, semaphores, ...)
//        --m_inbox----> Port (bounded; handle HB_INBOX; anyone may send by task id)
//        --m_quota----> Quota (what this task makes the kernel hold)
//        --m_wait-----> WaitState (what it is blocked on, while it is)
//        --m_context--> arch::TaskContext (the process / address space running it)
//
// A task is named by its id (hb_task_id_t), never reused while the kernel runs. When it
// exits it becomes a zombie that keeps only its exit code, until its parent collects it with
// hb_task_wait (or at once if it has no parent). The Task object itself lives on while
// queued messages are still charged to its quota (reference counted).
#pragma once

#include <harbor/sys.h>
#include <kernel/handle_table.h>
#include <kernel/lib/kassert.h>
#include <kernel/lib/list.h>
#include <kernel/mapping.h>
#include <kernel/quota.h>

#include <cstdint>

namespace arch {
struct TaskContext;
}

namespace kernel {

class Kernel;
class Port;
class Message;
class Reply;
class Semaphore;

enum class TaskState : uint8_t { Running, Blocked, Zombie };

// What a blocked task waits for. Exactly one kind at a time; `deadline` applies to all.
enum class WaitKind : uint8_t {
  None,
  Send,       // a message of ours not yet accepted: m_blocked_senders, or queued (SYNC)
  Receive,    // on port->m_blocked_receivers
  Reply,      // hb_call: our request was taken; waiting for reply->answer
  Semaphore,  // on sem->m_waiters
  Child,      // hb_task_wait on `child`
};

struct WaitState {
  WaitKind kind{WaitKind::None};
  uint64_t deadline{UINT64_MAX};  // absolute, arch::clock_ns(); UINT64_MAX = forever
  uint32_t heap_index{UINT32_MAX};  // position in the kernel's DeadlineHeap
  uint32_t syscall{0};            // which syscall blocked (for traces and the post-step)

  // Send / Receive
  Port* port{nullptr};
  Message* message{nullptr};      // Send: the message we wait on
  bool call_after_send{false};    // hb_call: once sent, wait for the reply
  uint32_t send_flags{0};         // HB_SEND_SYNC: wait until a receiver takes it
  // Receive / Reply: where the message goes
  uint64_t user_in{0};            // address of the task's hb_msg_in
  hb_msg_in in{};                 // its input fields, copied at the start of the call
  uint32_t recv_flags{0};
  // hb_reply_recv: receive after replying; hb_call: which reply we wait for
  Reply* reply{nullptr};
  // Semaphore
  Semaphore* semaphore{nullptr};
  // Child
  hb_task_id_t child{0};
  uint64_t user_exit_code{0};
};

class Task {
 public:
  // Creates a task with an inbox and an empty handle table (kernel/task.cc).
  static Result<Task*> try_create(Kernel& kernel, hb_task_id_t id, hb_task_id_t parent,
                                  const QuotaLimits& limits, uint32_t inbox_capacity);

  // Use try_create(); public only for kernel::make / kernel::destroy.
  Task(Kernel& kernel, hb_task_id_t id, hb_task_id_t parent, const QuotaLimits& limits);
  ~Task();

  hb_task_id_t id() const { return m_id; }
  Kernel& kernel() const { return m_kernel; }
  hb_task_id_t parent() const { return m_parent; }
  // Atomic (relaxed): hb_send_task on one core asks whether its target is alive while the
  // target blocks or wakes on another. Zombie is only ever set with the whole kernel locked.
  TaskState state() const { return __atomic_load_n(&m_state, __ATOMIC_RELAXED); }
  bool alive() const { return state() != TaskState::Zombie; }
  int32_t exit_code() const { return m_exit_code; }
  const char* name() const { return m_name; }
  void set_name(const char* name);  // a path's last part; at most 31 characters

  HandleTable& handles() { return m_handles; }
  Quota& quota() { return m_quota; }
  Port& inbox() { return *m_inbox; }
  // Its handle HB_NAME_SERVICE is the kernel's name service (kernel.h), not its own.
  bool has_name_service() const { return m_has_name_service; }
  // Its handle HB_NAME_SERVICE was installed by the kernel (Kernel::spawn_system).
  void set_has_name_service() { m_has_name_service = true; }
  WaitState& wait() { return m_wait; }
  arch::TaskContext* context() const { return m_context; }
  void set_context(arch::TaskContext* context) { m_context = context; }
  uint32_t core() const { return m_core; }
  void set_core(uint32_t core) { m_core = core; }

  // Atomic: a message charged to this task may be freed by a receiver on another core
  // while this task's own syscall holds a reference (kernel/kernel_lock.h).
  void retain() { __atomic_add_fetch(&m_refs, 1, __ATOMIC_RELAXED); }
  // The last reference frees the task (inline: every syscall retains and releases it).
  void release() {
    uint32_t before = __atomic_fetch_sub(&m_refs, 1, __ATOMIC_ACQ_REL);
    KASSERT(before > 0, "task released more often than retained");
    if (before == 1) free_self();
  }

  // Used by Kernel: state changes.
  void set_state(TaskState state) { __atomic_store_n(&m_state, state, __ATOMIC_RELAXED); }
  void set_exit_code(int32_t code) { m_exit_code = code; }
  void orphan() { m_parent = 0; }
  void drop_inbox();
  void drop_reply_cache();  // at exit: the task makes no more calls
  void free_self();  // release()'s slow half

  // The Reply of this task's last hb_call, kept for the next (kernel/ipc_call.cc); one
  // reference, or nullptr.
  Reply* m_reply_cache{nullptr};
  // Its current syscall began on the core side and must run again with the whole kernel
  // locked (Kernel::syscall_core_side): its entry is counted and traced already.
  bool m_entered_core_side{false};

  ListNode m_wait_node;      // in a port's or semaphore's wait queue
  ListNode m_children_node;  // in the parent's m_children
  IntrusiveList<Task, &Task::m_children_node> m_children;
  IntrusiveList<Mapping, &Mapping::m_task_node> m_mappings;  // grant regions mapped here

  // Statistics for harbor-emu --stats.
  uint64_t stats_syscalls{0};
  uint64_t stats_sent{0};
  uint64_t stats_received{0};
  uint64_t stats_blocks{0};
  uint64_t stats_bytes_copied{0};
  void kernel_stats_copied(uint64_t bytes) { stats_bytes_copied += bytes; }

 private:

  Kernel& m_kernel;
  hb_task_id_t m_id;
  hb_task_id_t m_parent;
  TaskState m_state{TaskState::Running};
  int32_t m_exit_code{0};
  uint32_t m_refs{1};  // the task table's reference, plus one per message charged to us
  uint32_t m_core{UINT32_MAX};  // emulated core; UINT32_MAX until the arch places it
  char m_name[32]{};
  HandleTable m_handles;
  Quota m_quota;
  Port* m_inbox{nullptr};
  bool m_has_name_service{false};
  WaitState m_wait;
  arch::TaskContext* m_context{nullptr};
};

}  // namespace kernel
