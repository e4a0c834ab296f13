// kernel/quota.h - per-task limits on what a task may make the kernel hold.
//
// The kernel never allocates without charging someone (SPEC 2). Handles are bounded by the
// size of the task's handle table; ports, semaphores, regions and the bytes of queued
// messages are counted here. A queued message is charged to its *sender* until it is
// received, so a flooding sender exhausts its own quota, not its receiver's.
#pragma once

#include <kernel/lib/result.h>

#include <cstdint>

namespace kernel {

struct QuotaLimits {
  uint32_t handles{1024};           // handle table slots (HB_INBOX included)
  uint32_t ports{256};              // ports created and not yet destroyed
  uint32_t semaphores{256};
  uint32_t regions{64};              // grant regions created and not yet freed
  uint32_t mappings{128};            // grant regions mapped into this task at once
  uint64_t queued_bytes{4u << 20};  // payload + message headers queued in ports
};

class Quota {
 public:
  explicit Quota(const QuotaLimits& limits) : m_limits(limits) {}

  // Each charge_* fails with NoMemory and changes nothing when the limit would be passed.
  Status charge_port() { return charge(m_ports, 1, m_limits.ports); }
  void release_port() { release(m_ports, 1); }
  Status charge_semaphore() { return charge(m_semaphores, 1, m_limits.semaphores); }
  void release_semaphore() { release(m_semaphores, 1); }
  Status charge_region() { return charge(m_regions, 1, m_limits.regions); }
  void release_region() { release(m_regions, 1); }
  Status charge_mapping() { return charge(m_mappings, 1, m_limits.mappings); }
  void release_mapping() { release(m_mappings, 1); }
  // Queued bytes are atomic: a sender charges them on its core while a receiver on another
  // core frees an earlier message of the same sender (both core side, kernel_lock.h).
  Status charge_bytes(uint64_t bytes) {
    uint64_t used = __atomic_load_n(&m_queued_bytes, __ATOMIC_RELAXED);
    do {
      if (bytes > m_limits.queued_bytes || used > m_limits.queued_bytes - bytes)
        return Error::NoMemory;
    } while (!__atomic_compare_exchange_n(&m_queued_bytes, &used, used + bytes, true,
                                          __ATOMIC_RELAXED, __ATOMIC_RELAXED));
    return {};
  }
  void release_bytes(uint64_t bytes) {
    uint64_t before = __atomic_fetch_sub(&m_queued_bytes, bytes, __ATOMIC_RELAXED);
    KASSERT(before >= bytes, "quota released more than charged");
    (void)before;
  }
  // Would charge_bytes(bytes) succeed? (The IPC fast path stages nothing, but a send must
  // not succeed or fail depending on whether a receiver happened to wait.)
  Status check_bytes(uint64_t bytes) const {
    uint64_t used = queued_bytes();
    return charge(used, bytes, m_limits.queued_bytes);
  }

  const QuotaLimits& limits() const { return m_limits; }
  uint64_t ports() const { return m_ports; }
  uint64_t semaphores() const { return m_semaphores; }
  uint64_t regions() const { return m_regions; }
  uint64_t mappings() const { return m_mappings; }
  uint64_t queued_bytes() const { return __atomic_load_n(&m_queued_bytes, __ATOMIC_RELAXED); }
  bool all_returned() const {
    return m_ports == 0 && m_semaphores == 0 && m_regions == 0 && m_mappings == 0 &&
           queued_bytes() == 0;
  }

 private:
  static Status charge(uint64_t& used, uint64_t amount, uint64_t limit) {
    if (amount > limit || used > limit - amount) return Error::NoMemory;
    used += amount;
    return {};
  }
  static void release(uint64_t& used, uint64_t amount) {
    KASSERT(used >= amount, "quota released more than charged");
    used -= amount;
  }

  QuotaLimits m_limits;
  uint64_t m_ports{0};
  uint64_t m_semaphores{0};
  uint64_t m_regions{0};
  uint64_t m_mappings{0};
  uint64_t m_queued_bytes{0};
};

}  // namespace kernel
