// kernel/handle_table.h - a task's handles: small integers that name capabilities.
//
//   hb_handle_t = generation << 16 | slot        slot 0 is never used (HB_INVALID = 0)
//                                                 slot 1 generation 0 is HB_INBOX
//                                                 slot 2 generation 0 is HB_NAME_SERVICE on
//                                                 a kernel with a name service (kernel.h)
//
// A slot's generation changes each time it is freed, so a stale or guessed number is
// HB_ERR_BAD_HANDLE rather than someone else's object: handles are unforgeable. Free slots
// form a LIFO free list, so install and remove are O(1).
#pragma once

#include <kernel/capability.h>
#include <kernel/lib/result.h>

#include <cstdint>

namespace kernel {

class HandleTable {
 public:
  // 16 bits: the name service holds a handle per name, and serves at least 10 000 names.
  static constexpr uint32_t kSlotBits = 16;
  static constexpr uint32_t kMaxSlots = 1u << kSlotBits;  // 65 536, slot 0 unused

  HandleTable() = default;
  HandleTable(const HandleTable&) = delete;
  HandleTable& operator=(const HandleTable&) = delete;
  ~HandleTable();

  // Allocates `capacity` slots (capacity - 1 usable: slot 0 is HB_INVALID). NoMemory.
  Status init(uint32_t capacity);

  // Puts `cap` in a free slot and returns its handle; NoMemory (and `cap` untouched) if full.
  Result<hb_handle_t> install(Capability& cap);
  // The handle install() would return for the (n+1)-th of the next installs (n < free_slots()),
  // so a syscall can write handle numbers to user memory before it changes anything.
  hb_handle_t peek(uint32_t n) const;
  // The capability `handle` names, or BadHandle. (Inline: every syscall on a handle starts
  // here.)
  Result<Capability*> lookup(hb_handle_t handle) {
    if (handle <= 0) return Error::BadHandle;
    uint32_t slot = slot_of(handle);
    if (slot == 0 || slot >= m_capacity) return Error::BadHandle;
    Slot& s = m_slots[slot];
    if (s.cap.empty() || s.generation != generation_of(handle)) return Error::BadHandle;
    return &s.cap;
  }
  // Checks kind and rights in the order the ABI promises: BadHandle, WrongType, Access.
  Result<Capability*> lookup(hb_handle_t handle, ObjectType type, uint32_t rights) {
    Capability* cap = TRY(lookup(handle));
    if (cap->object->type() != type) return Error::WrongType;
    if (!cap->has(rights)) return Error::Access;
    return cap;
  }
  // Takes the capability out of a valid handle (the caller owns it now).
  Capability remove(hb_handle_t handle);
  // Drops every capability (task exit). Leaves the table empty.
  void drop_all();

  // Calls fn(handle, const Capability&) for every handle in use, in slot order (for
  // observers: harbor-emu's wait-for graph; the kernel itself never walks a table).
  template <typename Fn>
  void for_each(Fn&& fn) const {
    for (uint32_t slot = 1; slot < m_capacity; ++slot) {
      const Slot& s = m_slots[slot];
      if (!s.cap.empty()) fn(static_cast<hb_handle_t>(s.generation << kSlotBits | slot), s.cap);
    }
  }

  uint32_t free_slots() const { return m_free_count; }
  uint32_t used_slots() const { return m_capacity == 0 ? 0 : m_capacity - 1 - m_free_count; }

 private:
  struct Slot {
    Capability cap;
    uint32_t generation{0};
    uint32_t next_free{0};  // index of the next free slot, 0 = end of list
  };
  static uint32_t slot_of(hb_handle_t h) { return static_cast<uint32_t>(h) & (kMaxSlots - 1); }
  static uint32_t generation_of(hb_handle_t h) { return static_cast<uint32_t>(h) >> kSlotBits; }

  Slot* m_slots{nullptr};
  uint32_t m_capacity{0};
  uint32_t m_free_head{0};
  uint32_t m_free_count{0};
};

}  // namespace kernel
