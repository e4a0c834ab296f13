// arch/hosted/region_space.h - where grant regions go in one hosted task's address space.
//
// The task's runtime reserves a window of its own address space (PROT_NONE, step (R1) of
// hosted/channel.h); the emulator places each mapping in it, lowest free address first,
// with an unmapped guard page after it (a run past the end faults instead of landing in
// the next region). Unmapped ranges are free again:
//
//   window base                                                      base + size
//   |[region A][g]|[region B][g]|.........free.........|[region C][g]|...free...|
//
// Why the task chooses the window and not the emulator: only the task's own mmap knows which
// addresses are free in that process (its libraries, heap, and under a sanitizer the ranges
// the sanitizer reserves).
//
// Guarded by the kernel lock (it lives in the task's arch::TaskContext).
#pragma once

#include <cstdint>
#include <iterator>
#include <map>

namespace hosted::detail {

class RegionSpace {
 public:
  static constexpr uint64_t kPage = 4096;
  static constexpr uint64_t kGuard = kPage;
  // Highest user address of x86-64 with 4-level paging.
  static constexpr uint64_t kUserTop = 1ull << 47;

  bool has_window() const { return m_size != 0; }

  // Adopts [base, base + size) as the window, once (later calls change nothing). False
  // when the range is not page-aligned, empty, or not in the user half.
  bool set_window(uint64_t base, uint64_t size) {
    if (has_window()) return true;
    if (base % kPage || size % kPage || size == 0 || base < kPage || base > kUserTop ||
        size > kUserTop - base)
      return false;
    m_base = base;
    m_size = size;
    m_free[base] = size;
    return true;
  }

  // The lowest free address with room for `size` bytes (a multiple of kPage) and a guard
  // page; 0 when there is none.
  uint64_t allocate(uint64_t size) {
    const uint64_t need = size + kGuard;
    for (auto it = m_free.begin(); it != m_free.end(); ++it) {
      if (it->second < need) continue;
      uint64_t address = it->first;
      uint64_t left = it->second - need;
      m_free.erase(it);
      if (left) m_free[address + need] = left;
      return address;
    }
    return 0;
  }

  // Gives back what allocate(size) returned at `address`, merging with free neighbours.
  void release(uint64_t address, uint64_t size) {
    uint64_t start = address;
    uint64_t length = size + kGuard;
    auto next = m_free.lower_bound(start);
    if (next != m_free.end() && start + length == next->first) {
      length += next->second;
      next = m_free.erase(next);
    }
    if (next != m_free.begin()) {
      auto before = std::prev(next);
      if (before->first + before->second == start) {
        start = before->first;
        length += before->second;
        m_free.erase(before);
      }
    }
    m_free[start] = length;
  }

  // Free bytes left (for tests and statistics).
  uint64_t free_bytes() const {
    uint64_t total = 0;
    for (const auto& [start, length] : m_free) total += length;
    return total;
  }

 private:
  uint64_t m_base{0};
  uint64_t m_size{0};
  std::map<uint64_t, uint64_t> m_free;  // start -> length; no two touch
};

}  // namespace hosted::detail
