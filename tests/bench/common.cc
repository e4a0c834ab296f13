// tests/bench/common.cc - placement and clock (common.h).
#include "common.h"

#include <time.h>

#include <cerrno>
#include <cstring>

namespace bench {

const char* placement_name(Placement placement) {
  return placement == Placement::kOneCore ? "one-core" : "floating";
}

PinScope::PinScope(Placement placement) {
  if (placement != Placement::kOneCore) return;
  if (sched_getaffinity(0, sizeof m_saved, &m_saved) != 0) {
    m_error = std::string("sched_getaffinity: ") + std::strerror(errno);
    return;
  }
  int first = -1;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &m_saved)) {
      first = cpu;
      break;
    }
  }
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first < 0 ? 0 : first, &one);
  if (sched_setaffinity(0, sizeof one, &one) != 0) {
    m_error = std::string("sched_setaffinity: ") + std::strerror(errno);
    return;
  }
  m_restore = true;
}

PinScope::~PinScope() {
  if (m_restore) sched_setaffinity(0, sizeof m_saved, &m_saved);
}

uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * kSecondNs + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace bench
