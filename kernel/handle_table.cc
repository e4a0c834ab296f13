// kernel/handle_table.cc - slots, generations and the free list (see handle_table.h).
#include <kernel/handle_table.h>
#include <kernel/lib/kmem.h>

namespace kernel {

namespace {
constexpr uint32_t kGenerationMask = 0x7fff;  // 15 bits: keeps handles positive int32 values
}

HandleTable::~HandleTable() {
  KASSERT(m_capacity == 0 || used_slots() == 0, "handle table freed with handles in it");
  if (m_slots) free_bytes(m_slots, sizeof(Slot) * m_capacity);
}

Status HandleTable::init(uint32_t capacity) {
  if (capacity < 2 || capacity > kMaxSlots) return Error::InvalidArg;
  m_slots = static_cast<Slot*>(alloc_bytes(sizeof(Slot) * capacity));
  if (!m_slots) return Error::NoMemory;
  m_capacity = capacity;
  // Free list in ascending order, so a new task's handles are 1, 2, 3, ...
  for (uint32_t i = 0; i < capacity; ++i) {
    new (&m_slots[i]) Slot{};
    m_slots[i].next_free = (i + 1 < capacity) ? i + 1 : 0;
  }
  m_free_head = 1;
  m_free_count = capacity - 1;
  return {};
}

hb_handle_t HandleTable::peek(uint32_t n) const {
  uint32_t slot = m_free_head;
  for (uint32_t i = 0; i < n && slot != 0; ++i) slot = m_slots[slot].next_free;
  KASSERT(slot != 0, "peek past the free list");
  return static_cast<hb_handle_t>(m_slots[slot].generation << kSlotBits | slot);
}

Result<hb_handle_t> HandleTable::install(Capability& cap) {
  if (m_free_count == 0) return Error::NoMemory;
  uint32_t slot = m_free_head;
  Slot& s = m_slots[slot];
  m_free_head = s.next_free;
  --m_free_count;
  s.cap = cap;
  s.next_free = 0;
  cap = Capability{};
  return static_cast<hb_handle_t>(s.generation << kSlotBits | slot);
}

Capability HandleTable::remove(hb_handle_t handle) {
  uint32_t slot = slot_of(handle);
  Slot& s = m_slots[slot];
  KASSERT(!s.cap.empty() && s.generation == generation_of(handle), "removing a bad handle");
  Capability cap = s.cap;
  s.cap = Capability{};
  s.generation = (s.generation + 1) & kGenerationMask;
  s.next_free = m_free_head;
  m_free_head = slot;
  ++m_free_count;
  return cap;
}

void HandleTable::drop_all() {
  for (uint32_t slot = 1; slot < m_capacity; ++slot) {
    Slot& s = m_slots[slot];
    if (s.cap.empty()) continue;
    Capability cap = remove(static_cast<hb_handle_t>(s.generation << kSlotBits | slot));
    capability_drop(cap);
  }
}

}  // namespace kernel
