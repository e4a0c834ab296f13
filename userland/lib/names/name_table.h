// userland/lib/names/name_table.h - the name server's table: name -> what is stored under it.
//
// Pure bookkeeping (no syscall): the server (server.cc) decides, this remembers. Records
// live in a fixed pool and never move, so the server may hold a record's index across
// calls; a ProbeIndex (probe_index.h) finds a name's record in O(1) however many names
// there are.
//
//   index (16 384 slots)          pool (12 288 records, 3/4 of the slots at most)
//   [ . | 7 | . | 2 | 5 | . ]     [ "echo", handle 0x20003, owner 4, ... ] ...
//
// Static footprint: 12 288 x 96 bytes of records + 32 KiB of index, about 1.2 MB, zero at
// start (BSS): nothing to initialise, nothing allocated, so it builds for bare metal.
#pragma once

#include <harbor/sys.h>

#include "probe_index.h"

namespace harbor::names {

constexpr uint32_t kMaxNames = 12288;
constexpr uint32_t kNameSlots = 16384;
constexpr uint32_t kNameField = 64;      // HB_NAME_MAX + 1
constexpr uint16_t kOsOwned = 0xffff;    // Entry::owner of names no task owns
constexpr uint32_t kNoEntry = 0xffffffffu;

// How a name came to be; decides who may unregister it and what the open calls accept.
enum class Kind : uint8_t {
  Registered = 1,  // hb_name_register: owned by a task (Entry::owner), purged with it
  Mailbox = 2,     // hb_mailbox_open: OS-owned; handle = send right, second = receive right
  Region = 3,      // hb_region_open: OS-owned grant region
};

struct Entry {
  char name[kNameField];  // NUL-padded
  uint32_t hash;
  uint32_t length;
  hb_handle_t handle;  // the server's copy (a mailbox: its send right)
  hb_handle_t second;  // a mailbox's receive right, else HB_INVALID
  uint32_t type;       // HB_OBJ_* of `handle`
  uint32_t rights;     // rights of `handle`
  uint16_t owner;      // the registrant's record (registrants.h), or kOsOwned
  Kind kind;
  bool used;
};

class NameTable {
 public:
  // The record of `name` (length bytes, no NUL needed), or kNoEntry.
  uint32_t find(const char* name, uint32_t length) const;
  // Adds a record for `name` (1..kNameField - 1 bytes, not present) with the given fields;
  // returns its index, or kNoEntry when all kMaxNames records are used.
  uint32_t add(const char* name, uint32_t length, Kind kind, uint16_t owner, hb_handle_t handle,
               hb_handle_t second, uint32_t type, uint32_t rights);
  // Forgets record `index` (the caller closes its handles first).
  void remove(uint32_t index);

  Entry& at(uint32_t index) { return m_entries[index]; }
  const Entry& at(uint32_t index) const { return m_entries[index]; }
  uint32_t size() const { return m_size; }
  // Records are numbered 0..high_water()-1; unused ones have used == false (for sweeps).
  uint32_t high_water() const { return m_high_water; }

 private:
  uint32_t slot_of(const char* name, uint32_t length, uint32_t hash) const;

  ProbeIndex<kNameSlots> m_index{};
  Entry m_entries[kMaxNames]{};
  uint16_t m_free[kMaxNames]{};  // records given back, reused first (a stack)
  uint32_t m_free_count{0};
  uint32_t m_high_water{0};  // records ever handed out
  uint32_t m_size{0};
};

}  // namespace harbor::names
