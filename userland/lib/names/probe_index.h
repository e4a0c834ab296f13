// userland/lib/names/probe_index.h - an open-addressing hash index with linear probing: the
// O(1) look-up under the name table (name_table.h) and the registrant table (registrants.h).
//
//   slots:    [ 0 | 3 | 1 | 0 | 0 | 2 | 0 ... ]   kSlots entries, each 0 (empty) or record + 1
//                   |   |             |
//   records:  pool of fixed records, which never move (their users keep indices)
//
// A key's home slot is hash & (kSlots - 1); a look-up walks from there to the first empty
// slot. Removal shifts later records of the same run back (no tombstones), so a table that
// sees millions of insert/remove pairs never degrades. With at most 3/4 of the slots used,
// a look-up that finds nothing reads about 8 slots on average, one that hits about 2.5.
// Freestanding: no allocation, no libc; the arrays live in static storage (zero = empty).
#pragma once

#include <stdint.h>

namespace harbor::names {

template <uint32_t kSlots>
class ProbeIndex {
  static_assert((kSlots & (kSlots - 1)) == 0, "a power of two: home = hash & mask");
  static_assert(kSlots <= 65536, "records are numbered in 16 bits");

 public:
  static constexpr uint32_t kMask = kSlots - 1;
  static constexpr uint32_t kNotFound = 0xffffffffu;

  // The slot whose record matches (is_match(record)), or kNotFound.
  template <typename Match>
  uint32_t find(uint32_t hash, Match is_match) const {
    for (uint32_t i = hash & kMask, n = 0; n < kSlots; i = (i + 1) & kMask, ++n) {
      if (m_slots[i] == 0) return kNotFound;
      if (is_match(static_cast<uint32_t>(m_slots[i] - 1))) return i;
    }
    return kNotFound;
  }
  uint32_t record_at(uint32_t slot) const { return static_cast<uint32_t>(m_slots[slot] - 1); }

  // Puts `record` in the first empty slot of its run. The caller keeps the load below 1
  // (the pool is smaller than kSlots), so there always is one.
  void insert(uint32_t hash, uint32_t record) {
    uint32_t i = hash & kMask;
    while (m_slots[i] != 0) i = (i + 1) & kMask;
    m_slots[i] = static_cast<uint16_t>(record + 1);
  }

  // Empties `slot` and moves back each later record of the run whose home allows it, so
  // that every record stays reachable from its home without a gap (hash_of(record) gives
  // the hash it was inserted with).
  template <typename HashOf>
  void erase(uint32_t slot, HashOf hash_of) {
    uint32_t hole = slot;
    for (uint32_t j = (slot + 1) & kMask; m_slots[j] != 0; j = (j + 1) & kMask) {
      uint32_t home = hash_of(static_cast<uint32_t>(m_slots[j] - 1)) & kMask;
      // The record at j may fill the hole unless its home lies cyclically in (hole, j].
      bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
      if (stays) continue;
      m_slots[hole] = m_slots[j];
      hole = j;
    }
    m_slots[hole] = 0;
  }

 private:
  uint16_t m_slots[kSlots]{};
};

// FNV-1a over the name's bytes: simple, and good enough for short strings.
inline uint32_t hash_name(const char* name, uint32_t length) {
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < length; ++i) {
    h ^= static_cast<uint8_t>(name[i]);
    h *= 16777619u;
  }
  return h;
}

// Task ids count up from 1: mix them so that consecutive ids do not fill one run.
inline uint32_t hash_task(uint64_t task) {
  task ^= task >> 33;
  task *= 0xff51afd7ed558ccdull;
  task ^= task >> 33;
  return static_cast<uint32_t>(task);
}

}  // namespace harbor::names
