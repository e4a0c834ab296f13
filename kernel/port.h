// kernel/port.h - a port (mailbox): one receive right, any number of send rights, a queue.
//
//        send rights (counted)                       receive right (exactly one;
//   Task A --cap--+                                   several for a SYSTEM|SHARED_RECV port)
//   Task B --cap--+--> Port --m_queue-->  [msg][msg][msg]   <--cap-- Task R (the owner)
//                        |--m_blocked_senders-->  Task C (its message rides in its wait)
//                        '--m_blocked_receivers-> Task R (waiting, oldest first)
//
// Modes: RENDEZVOUS (capacity 0: a sender blocks until a receiver takes its message),
// BOUNDED (capacity n: a sender blocks only when n messages are queued), UNBOUNDED (a sender
// never blocks; its quota limits it). Messages leave in FIFO order, and a waiting receiver
// that has waited longest is served first.
//
// Death: a port dies when its receive right is closed (the owner closed it, exited or was
// killed). A SYSTEM port is owned by the kernel instead: it dies only when the last handle
// of any kind to it is closed. Death destroys queued messages (closing the handles inside)
// and wakes blocked senders with HB_ERR_PEER_CLOSED; later sends fail the same way.
//
// All Port functions run with the kernel lock held: the whole kernel, or the core side plus
// this port's own lock (PortLocked below; kernel/kernel_lock.h).
#pragma once

#include <arch/lock.h>
#include <kernel/lib/list.h>
#include <kernel/lib/scoped_lock.h>
#include <kernel/message.h>
#include <kernel/object.h>
#include <kernel/task.h>

#include <cstdint>

namespace kernel {

class Port final : public KernelObject {
 public:
  // Charges `creator`'s port quota. InvalidArg for a bad mode/capacity/flags combination.
  // `creator` may be nullptr: a port made by the kernel itself (boot wiring, inboxes).
  static Result<Port*> try_create(Kernel& kernel, Task* creator, uint32_t mode,
                                  uint32_t capacity, uint32_t flags);
  // A task's inbox: a bounded port that anyone may send to by task id.
  static Result<Port*> try_create_inbox(Kernel& kernel, uint32_t capacity);

  // The rights of a new receive handle / send handle to this port.
  uint32_t recv_rights_for_new_handle() const;
  static constexpr uint32_t kSendRights = HB_RIGHT_SEND | HB_RIGHT_DUP | HB_RIGHT_TRANSFER;

  // Use try_create(); public only for kernel::make / kernel::destroy.
  Port(Kernel& kernel, Task* creator, uint32_t mode, uint32_t capacity, uint32_t flags);
  ~Port();

  uint32_t mode() const { return m_mode; }
  uint32_t capacity() const { return m_capacity; }
  uint32_t flags() const { return m_flags; }
  bool is_dead() const { return m_dead; }
  bool is_inbox() const { return m_is_inbox; }
  uint32_t queued() const { return static_cast<uint32_t>(m_queue.size()); }
  uint32_t send_rights() const { return m_send_rights; }
  // Receivers see HB_ERR_PEER_CLOSED: nothing queued, nothing blocked, and no one can send.
  bool no_more_messages() const;

  // Is there room to queue one more message without blocking?
  bool has_room() const;

  // --- the IPC path (kernel/ipc_send.cc, kernel/ipc_receive.cc) ---
  // The oldest receiver waiting that accepts messages from `sender`, or nullptr.
  Task* first_waiting_receiver_for(hb_task_id_t sender) const;
  // The first message (queued, or held by a blocked sender) that a receive with
  // `from` (0 = anyone) would take, or nullptr.
  Message* first_message_from(hb_task_id_t from) const;

  // Does a blocked sender wait with a message that carries handles? (A receive that frees
  // a slot would move them into the queue: whole-kernel work, kernel_lock.h.)
  bool admits_handles() const;

  void enqueue(Message& message);
  void dequeue(Message& message);           // removes a queued message
  void add_blocked_sender(Task& sender);    // sender.wait().message is set
  void remove_blocked_sender(Task& sender);
  void add_blocked_receiver(Task& receiver);
  void remove_blocked_receiver(Task& receiver);
  Task* first_blocked_sender() const { return m_blocked_senders.front(); }

  // If receivers can never get another message, wake them with HB_ERR_PEER_CLOSED.
  void wake_receivers_if_closed();
  // The port's receive side is gone: destroy queued messages, fail blocked senders.
  void kill();

  void on_capability_added(uint32_t rights) override;
  void on_capability_removed(uint32_t rights) override;
  void on_capability_in_transit(bool entering, uint32_t rights) override;

  // Every receive right of this port sits inside queued messages. A receive right must not
  // be sent *into* such a port: that is how a cycle of unreachable ports would close
  // (P's receive right in Q's queue, Q's in P's), so it is refused.
  bool receive_side_in_transit() const {
    return m_recv_rights > 0 && m_recv_in_transit == m_recv_rights;
  }

  // The port's own lock. A core-side syscall (kernel_lock.h) takes it for as long as it
  // uses the port: two cores on one port take turns here, and only here.
  void lock() { m_lock.lock(); }
  void unlock() { m_lock.unlock(); }

  uint64_t stats_sent{0};
  uint64_t stats_received{0};
  uint32_t stats_max_depth{0};

 private:
  arch::Lock m_lock;
  void destroy_self() override;

  uint32_t m_mode;
  uint32_t m_capacity;
  uint32_t m_flags;
  Task* m_quota_owner;  // whose port quota this port is charged to (retained), or nullptr
  bool m_is_inbox{false};
  bool m_dead{false};
  uint32_t m_send_rights{0};
  uint32_t m_recv_rights{0};
  uint32_t m_all_rights{0};  // capabilities of any kind (for SYSTEM ports)
  uint32_t m_all_in_transit{0};   // ... of which inside queued messages
  uint32_t m_recv_in_transit{0};  // receive rights inside queued messages
  // A SYSTEM port that no task can reach any more: no receive right anywhere, and every
  // capability to it inside messages. It is garbage (nothing can ever be received).
  void kill_if_unreachable_system_port();
  IntrusiveList<Message, &Message::m_queue_node> m_queue;
  IntrusiveList<Task, &Task::m_wait_node> m_blocked_senders;
  IntrusiveList<Task, &Task::m_wait_node> m_blocked_receivers;
};

// Holds a port's lock for a scope (the IPC syscalls in sys_ipc.cc and ipc_call.cc).
using PortLocked = ScopedLock<Port>;

}  // namespace kernel
