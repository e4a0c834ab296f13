// tests/unit/model/model.h - a reference model of Harbor's IPC semantics (SPEC 2-3).
//
// Plain, slow and obvious on purpose: std:: containers, no intrusive lists, no object
// lifetimes to get wrong. It knows nothing about the kernel's code; it only says what SPEC
// 2-3 (and the decisions written in docs/design.md where SPEC is silent) require:
//
//   - tasks with handle tables (a handle names a port plus rights plus a badge) and an inbox;
//   - ports of the three modes, with FIFO queues, blocked senders and blocked receivers;
//   - send (with HB_SEND_SYNC, HB_NOWAIT, HB_FOREVER or a relative timeout), send to a task
//     id, receive (from anyone or HB_RECV_FROM one task), close, dup, badge mint;
//   - handles moved in messages (committed only when the send is certain to succeed),
//     send rights and receive rights; a receive right may not go into a port whose own
//     receive right is inside a queued message (docs/design.md: no cycles of unreachable
//     ports);
//   - quotas: queued bytes charged to the sender, ports charged to the creator, handle slots;
//   - owner death, end-of-stream when the last send right goes, timeouts, task exit.
//
// Not modelled (the unit tests cover them): call/reply, semaphores, spawn/wait, system
// ports, grant regions, bad pointers.
//
// The model names handles by the numbers the kernel hands out: a call that creates handles
// returns placeholders (negative numbers) that the driver renames to the kernel's numbers
// with rename() before the next operation.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace harbor::model {

using TaskId = uint64_t;
using Handle = int32_t;

constexpr int64_t kBlocked = INT64_MIN;  // == kernel::kBlocked

struct Config {
  uint32_t handle_slots{1024};      // QuotaLimits::handles: slot 0 is never a handle
  uint32_t port_quota{256};         // QuotaLimits::ports
  uint64_t queued_bytes_quota{4u << 20};
  uint32_t inbox_capacity{64};
  uint64_t message_header_bytes{0};  // a message of len bytes costs header + len of quota
};

// What a handle names.
struct Cap {
  int port{-1};
  uint32_t rights{0};
  uint64_t badge{0};
};

// What a receive delivered (to the caller at once, or to a blocked receiver).
struct Delivery {
  uint64_t serial{0};
  uint32_t len{0};
  TaskId sender{0};
  uint64_t badge{0};
  std::vector<Handle> handles;  // placeholders, in message order
};

// Everything one operation did.
struct Outcome {
  int64_t ret{0};                          // the syscall's value (kBlocked if it blocked)
  std::map<TaskId, int64_t> resumed;       // blocked tasks whose syscall completed, and how
  std::map<TaskId, Delivery> deliveries;   // who received what (HB_OK receives)
  std::map<TaskId, std::pair<uint32_t, uint32_t>> too_small;  // BUFFER_TOO_SMALL: len, count
  std::vector<Handle> created;             // placeholders of handles made for the caller
};

struct RecvArgs {
  uint32_t cap{0};         // bytes the buffer holds
  uint32_t handle_cap{0};  // handles it holds
  uint32_t flags{0};       // HB_RECV_FROM
  TaskId from{0};          // with HB_RECV_FROM
  uint64_t timeout{0};
};

struct SendArgs {
  uint64_t serial{0};  // names the payload (the driver derives the bytes from it)
  uint32_t len{0};
  std::vector<Handle> handles;
  uint32_t flags{0};
  uint64_t timeout{0};
};

class Model {
 public:
  explicit Model(const Config& config, uint64_t now) : m_config(config), m_now(now) {}

  // A root task: an empty handle table but for HB_INBOX, and its start message (from task
  // 0, charged to the task itself) queued in its inbox.
  void add_task(TaskId id, uint64_t start_serial, uint32_t start_len);

  Outcome port_create(TaskId t, uint32_t mode, uint32_t capacity, uint32_t flags);
  Outcome send(TaskId t, Handle port, const SendArgs& args);
  Outcome send_task(TaskId t, TaskId target, const SendArgs& args);
  Outcome recv(TaskId t, Handle port, const RecvArgs& args);
  Outcome close(TaskId t, Handle h);
  Outcome dup(TaskId t, Handle h, uint32_t rights);
  Outcome mint(TaskId t, Handle h, uint64_t badge);
  Outcome exit(TaskId t);              // hb_task_exit (returns kBlocked: never returns)
  Outcome kill(TaskId t);              // Kernel::task_died
  Outcome advance(uint64_t ns);        // the clock moves; due deadlines expire

  // The kernel called placeholder `from` of task t `to`. False (and *error) if `to` is
  // already a live handle of t or `from` is no placeholder.
  bool rename(TaskId t, Handle from, Handle to, std::string* error);

  // ---- what the driver and the final comparison read ----
  struct PortView {
    bool dead;
    bool destroyed;  // every capability gone: the kernel has freed it
    uint32_t queued;
    uint32_t send_rights;
  };
  bool exists(TaskId t) const;  // the kernel still knows the task (live; zombies not modelled)
  bool blocked(TaskId t) const;
  const std::map<Handle, Cap>& handles(TaskId t) const;
  uint64_t charged_bytes(TaskId t) const;
  uint32_t ports_charged(TaskId t) const;
  uint64_t deadline(TaskId t) const;  // UINT64_MAX unless blocked with a timeout
  uint64_t now() const { return m_now; }
  PortView port(int id) const;
  int port_count() const { return static_cast<int>(m_ports.size()); }
  std::vector<TaskId> tasks() const;  // live tasks

 private:
  struct Message {
    uint64_t serial{0};
    uint32_t len{0};
    TaskId sender{0};
    uint64_t badge{0};
    TaskId charged{0};             // whose quota pays
    bool committed{false};         // handles moved out of the sender's table?
    bool in_transit{false};        // committed while queued: its capabilities ride in it
    std::vector<Handle> pending;   // uncommitted: handle numbers in the sender's table
    std::vector<Cap> caps;         // committed: the capabilities it carries
    TaskId blocked_sender{0};      // a sender waiting on this very message
    uint32_t handle_count() const {
      return static_cast<uint32_t>(committed ? caps.size() : pending.size());
    }
  };
  struct Port {
    uint32_t mode{0};
    uint32_t capacity{0};
    bool inbox{false};
    bool dead{false};
    bool destroyed{false};
    TaskId creator{0};  // charged for the port (0: the kernel, for inboxes)
    uint32_t send_rights{0};
    uint32_t recv_rights{0};
    uint32_t caps{0};                // capabilities of any kind (tables and messages)
    uint32_t recv_in_transit{0};     // receive rights inside queued messages
    std::deque<int> queue;           // message ids, oldest first
    std::deque<TaskId> senders;      // blocked senders, oldest first
    std::deque<TaskId> receivers;    // blocked receivers, oldest first
  };
  enum class Wait { None, Send, Receive };
  struct Task {
    bool alive{true};
    std::map<Handle, Cap> handles;
    int inbox{-1};
    uint64_t charged{0};
    uint32_t ports{0};
    Wait wait{Wait::None};
    uint64_t deadline{UINT64_MAX};
    int port{-1};        // Send / Receive: the port
    int message{-1};     // Send: our message
    uint32_t send_flags{0};
    RecvArgs recv;       // Receive: buffers and filter
  };

  Task& task(TaskId id) { return m_tasks.at(id); }
  int64_t lookup(Task& t, Handle h, uint32_t rights, Cap** out);
  uint32_t free_slots(const Task& t) const;
  Handle add_cap(Task& t, const Cap& cap);      // a new capability: counts it
  Handle install(Task& t, const Cap& cap);      // a moved capability: no count change
  void drop_cap(const Cap& cap);                // a capability destroyed
  uint64_t charge(uint32_t len) const { return m_config.message_header_bytes + len; }

  int64_t prepare(Task& t, TaskId id, const SendArgs& a, int through, int* message_out);
  int64_t send_message(TaskId sender, int port, int message, uint32_t flags, uint64_t timeout);
  int64_t deliver(TaskId receiver, int message);
  void commit(Message& m, bool queued);
  bool receive_side_in_transit(const Port& p) const {
    return p.recv_rights > 0 && p.recv_in_transit == p.recv_rights;
  }
  bool carries_receive_right(const Message& m) const;
  void in_transit(const Message& m, int delta);
  void destroy(int message);
  void discard(int message) { m_discarded.push_back(message); }
  void flush();
  void take_from_port(int port, int message);
  void admit_blocked_senders(int port);
  void block(TaskId t, uint64_t timeout);
  void wake(TaskId t, int64_t result);
  void cancel_wait(TaskId t);
  void kill_port(int port);
  bool has_room(const Port& p) const;
  bool no_more_messages(const Port& p) const;
  void wake_receivers_if_closed(int port);
  int first_message_from(const Port& p, TaskId from) const;
  TaskId first_waiting_receiver_for(const Port& p, TaskId sender) const;
  Outcome finish(int64_t ret);
  void end_task(TaskId t);

  Config m_config;
  uint64_t m_now;
  std::unordered_map<TaskId, Task> m_tasks;  // dead tasks stay (their charged bytes may be in use)
  std::vector<TaskId> m_live;      // the live ones, oldest first
  std::vector<Port> m_ports;
  std::map<int, Message> m_messages;
  int m_next_message{0};
  Handle m_next_placeholder{-1000};
  std::vector<int> m_discarded;
  Outcome m_out;  // the outcome of the operation in progress
};

}  // namespace harbor::model
