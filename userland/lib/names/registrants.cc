// userland/lib/names/registrants.cc - see registrants.h.
#include "registrants.h"

namespace harbor::names {

uint32_t Registrants::slot_of(hb_task_id_t task) const {
  return m_index.find(hash_task(task),
                      [&](uint32_t record) { return m_records[record].task == task; });
}

uint16_t Registrants::find(hb_task_id_t task) const {
  uint32_t slot = slot_of(task);
  return slot == m_index.kNotFound ? kNoRegistrant : static_cast<uint16_t>(m_index.record_at(slot));
}

uint16_t Registrants::add(hb_task_id_t task, hb_handle_t lifeline) {
  uint32_t index;
  if (m_free_count > 0)
    index = m_free[--m_free_count];
  else if (m_high_water < kMaxRegistrants)
    index = m_high_water++;
  else
    return kNoRegistrant;
  m_records[index] = Registrant{task, lifeline, 0, true};
  m_index.insert(hash_task(task), index);
  ++m_size;
  return static_cast<uint16_t>(index);
}

void Registrants::remove(uint16_t index) {
  if (index >= m_high_water || !m_records[index].used) return;
  uint32_t slot = slot_of(m_records[index].task);
  if (slot != m_index.kNotFound)
    m_index.erase(slot, [&](uint32_t record) { return hash_task(m_records[record].task); });
  m_records[index] = Registrant{0, HB_INVALID, 0, false};
  m_free[m_free_count++] = index;
  --m_size;
}

}  // namespace harbor::names
