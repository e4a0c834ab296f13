// tests/bench/common.cc - placement and clock (common.h).
#include "common.h"

#include <time.h>

#include <cerrno>
#include <cstring>

namespace bench {

namespace {
int g_child_cpu = -1;  // set inside a kSplit PinScope
}  // namespace

const char* placement_name(Placement placement) {
  switch (placement) {
    case Placement::kFloating: return "floating";
    case Placement::kOneCore: return "one-core";
    case Placement::kSplit: return "split";
  }
  return "?";
}

PinScope::PinScope(Placement placement) : m_placement(placement) {
  if (placement == Placement::kFloating) return;
  if (sched_getaffinity(0, sizeof m_saved, &m_saved) != 0) {
    m_error = std::string("sched_getaffinity: ") + std::strerror(errno);
    return;
  }
  int first = -1, second = -1;
  for (int cpu = 0; cpu < CPU_SETSIZE && second < 0; ++cpu) {
    if (!CPU_ISSET(cpu, &m_saved)) continue;
    if (first < 0) first = cpu;
    else second = cpu;
  }
  if (placement == Placement::kSplit) {
    if (second < 0) {
      m_error = "unsupported: split placement needs two CPUs";
      return;
    }
    g_child_cpu = second;
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
  if (m_placement == Placement::kSplit) g_child_cpu = -1;
}

void pin_child() {
  if (g_child_cpu < 0) return;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(g_child_cpu, &one);
  sched_setaffinity(0, sizeof one, &one);
}

uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * kSecondNs + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace bench
