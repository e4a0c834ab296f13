// kernel/message.h - a message in the kernel's hands: a copy of the sender's bytes plus the
// handles it moves, stamped with who sent it and through which badge.
//
// Life of a message (docs/design.md tells it in full):
//   (1) hb_send copies the bytes in (Message::try_create + copy_from_user);
//   (2) the message is "committed" when the send is sure to succeed: the sender's handles
//       move out of its table into m_caps (commit_handles). Until then they stay in the
//       sender's table, listed in m_pending, so a send that fails changes nothing;
//   (3) the receiver takes it: bytes are copied out, capabilities installed in its table;
//   (4) the message is destroyed and its bytes returned to the sender's quota.
#pragma once

#include <harbor/sys.h>
#include <kernel/capability.h>
#include <kernel/lib/list.h>
#include <kernel/lib/result.h>

#include <cstdint>

namespace kernel {

class Task;

class Message {
 public:
  // A message of `len` bytes charged to `sender`'s quota. NoMemory if the quota or the heap
  // is exhausted. The payload is uninitialised.
  static Result<Message*> try_create(Task& sender, uint32_t len);
  // Frees the message: drops any capabilities still inside, returns the quota.
  static void destroy(Message* message);

  uint8_t* payload() { return reinterpret_cast<uint8_t*>(this + 1); }
  uint32_t len() const { return m_len; }
  uint32_t handle_count() const { return m_handle_count; }
  hb_task_id_t sender_id() const { return m_sender_id; }
  uint64_t badge() const { return m_badge; }
  bool committed() const { return m_committed; }
  void set_sender_id(hb_task_id_t id) { m_sender_id = id; }

  // Records which handles of the sender travel with this message (validated by the caller).
  void set_pending_handles(const hb_handle_t* handles, uint32_t count);
  // Does it move a receive right (of any port)?
  bool carries_receive_right(Task& sender);
  // Is `handle` one of the pending (not yet moved) handles of this message?
  bool carries(hb_handle_t handle) const;
  // (2) Moves the pending handles out of `sender`'s table into the message. Cannot fail.
  // `queued`: the message stays in a queue (its capabilities are then "in transit" for
  // the ports' garbage rule); false when it goes straight on to a receiver's table.
  void commit_handles(Task& sender, bool queued = true);
  // A capability made by the kernel itself (boot wiring): moved in, the message committed.
  void add_capability(Capability& cap);
  // (3) Moves the capabilities into `receiver`'s table and writes their handles to `out`.
  //     The caller has checked that the table has handle_count() free slots.
  void install_handles(Task& receiver, hb_handle_t* out);

  ListNode m_queue_node;       // in Port::m_queue
  uint64_t m_badge{0};         // badge of the send right used
  Task* m_blocked_sender{nullptr};  // the sender, while it waits on this very message
  Capability m_reply_cap;      // hb_call: the one-shot reply capability the receiver gets
  uint64_t m_trace_id{0};      // ties the send and receive records of one message together

 private:
  Message(Task& sender, uint32_t len);
  ~Message() = default;

  Task& m_charged;  // whose quota pays for this message (retained)
  hb_task_id_t m_sender_id;
  uint32_t m_len;
  uint32_t m_handle_count{0};
  bool m_committed{false};
  bool m_in_transit{false};  // its capabilities were announced as in transit
  hb_handle_t m_pending[HB_MSG_HANDLES_MAX]{};
  Capability m_caps[HB_MSG_HANDLES_MAX];
};

// Bytes a message of `len` payload bytes costs its sender's quota.
inline uint64_t message_charge(uint32_t len) { return sizeof(Message) + len; }

}  // namespace kernel
