// userland/lib/names/name_table.cc - see name_table.h.
#include "name_table.h"

#include <string.h>

namespace harbor::names {

uint32_t NameTable::slot_of(const char* name, uint32_t length, uint32_t hash) const {
  return m_index.find(hash, [&](uint32_t record) {
    const Entry& e = m_entries[record];
    return e.hash == hash && e.length == length && memcmp(e.name, name, length) == 0;
  });
}

uint32_t NameTable::find(const char* name, uint32_t length) const {
  uint32_t slot = slot_of(name, length, hash_name(name, length));
  return slot == m_index.kNotFound ? kNoEntry : m_index.record_at(slot);
}

uint32_t NameTable::add(const char* name, uint32_t length, Kind kind, uint16_t owner,
                        hb_handle_t handle, hb_handle_t second, uint32_t type,
                        uint32_t rights) {
  if (length == 0 || length >= kNameField) return kNoEntry;
  uint32_t index;
  if (m_free_count > 0)
    index = m_free[--m_free_count];
  else if (m_high_water < kMaxNames)
    index = m_high_water++;
  else
    return kNoEntry;
  Entry& e = m_entries[index];
  memset(e.name, 0, sizeof e.name);
  memcpy(e.name, name, length);
  e.hash = hash_name(name, length);
  e.length = length;
  e.handle = handle;
  e.second = second;
  e.type = type;
  e.rights = rights;
  e.owner = owner;
  e.kind = kind;
  e.used = true;
  m_index.insert(e.hash, index);
  ++m_size;
  return index;
}

void NameTable::remove(uint32_t index) {
  if (index >= m_high_water || !m_entries[index].used) return;
  Entry& e = m_entries[index];
  uint32_t slot = slot_of(e.name, e.length, e.hash);
  if (slot != m_index.kNotFound)
    m_index.erase(slot, [&](uint32_t record) { return m_entries[record].hash; });
  e.used = false;
  e.handle = e.second = HB_INVALID;
  m_free[m_free_count++] = static_cast<uint16_t>(index);
  --m_size;
}

}  // namespace harbor::names
