// userland/runtime/hosted/region.cc - grant regions in a hosted task (runtime/region.h).
//
// The emulator cannot map memory into this process, so the runtime does what the kernel
// decided (steps R1-R2 of hosted/channel.h, M1-M3 of arch/hosted/region_memory.cc):
//
//   hb_region_map(r, rights, &addr)
//     (R1) first time only: reserve a window of our address space (PROT_NONE, no memory
//          behind it) and write it into the channel page; the emulator places every
//          mapping of this task inside it;
//     (M1-M2) HB_SYS_REGION_MAP: the kernel checks the handle and rights, picks the
//          address, and the emulator leaves "address, size, writable, my fd N, my pid" in
//          the channel page;
//     (M3) open /proc/<pid>/fd/<N> O_RDONLY for a read-only mapping (O_RDWR for a
//          writable one), mmap it MAP_SHARED | MAP_FIXED over our own reservation, close
//          the descriptor (the mapping keeps the memory). If that fails, undo the kernel's
//          mapping with HB_SYS_REGION_UNMAP: HB_ERR_NO_MEMORY, nothing changed.
//   hb_region_unmap(addr)
//     HB_SYS_REGION_UNMAP first (the kernel says whether addr starts a mapping); then put
//     the reservation back over the pages (the emulator says how many).
//
// A read-only mapping is made from a read-only descriptor: the host refuses to make it
// writable (mprotect fails), so a write is a SIGSEGV for this task only. After
// hb_region_revoke the emulator's memfd has size 0, so any access is a SIGBUS.
#include <fcntl.h>
#include <harbor/abi/syscalls.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

#include "../raw_syscall.h"
#include "../region.h"
#include "channel_lock.h"

namespace harbor::runtime {

namespace {

// Enough for the default mapping quota (128 mappings of at most 256 MiB, plus guard pages);
// smaller windows if the host refuses (RLIMIT_AS, a small address space).
constexpr uint64_t kWindowSizes[] = {64ull << 30, 8ull << 30, 1ull << 30, 256ull << 20};
constexpr int kReserveFlags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;

template <typename T>
T get(T& field) {
  return std::atomic_ref<T>(field).load(std::memory_order_relaxed);
}

template <typename T>
void put(T& field, T value) {
  std::atomic_ref<T>(field).store(value, std::memory_order_relaxed);
}

hb_status_t status(int64_t r) { return r < 0 ? static_cast<hb_status_t>(r) : HB_OK; }

// (R1) One window per process, reserved on first use and kept (guarded by the call lock).
// A process can be several tasks one after the other (Harbor::testing attaches a test body,
// or a forked child, to a new channel): a fresh channel page says 0 here, and the window is
// then wiped (reserved again whole) before it is announced, so nothing an earlier task of
// this process mapped stays reachable by the new one.
struct Window {
  uint64_t base{0};
  uint64_t size{0};
} g_window;

bool ensure_window(hosted::Channel* c) {
  if (get(c->region_window_size) != 0) return true;  // announced to this channel already
  if (g_window.size == 0) {
    for (uint64_t size : kWindowSizes) {
      void* base = mmap(nullptr, size, PROT_NONE, kReserveFlags, -1, 0);
      if (base == MAP_FAILED) continue;
      g_window = {reinterpret_cast<uint64_t>(base), size};
      break;
    }
    if (g_window.size == 0) return false;
  } else if (mmap(reinterpret_cast<void*>(g_window.base), g_window.size, PROT_NONE,
                  kReserveFlags | MAP_FIXED, -1, 0) == MAP_FAILED) {
    return false;
  }
  put(c->region_window_base, g_window.base);
  put(c->region_window_size, g_window.size);
  return true;
}

// A forked child is not the task its parent is (Harbor::testing runs a function as a new
// task in a fork of the test): it must not keep its parent's mappings, for which it holds no
// handle. The whole reservation is put back in the child, before it runs anything.
void wipe_window_in_child() {
  if (g_window.size != 0)
    mmap(reinterpret_cast<void*>(g_window.base), g_window.size, PROT_NONE,
         kReserveFlags | MAP_FIXED, -1, 0);
}

[[maybe_unused]] const int g_atfork = pthread_atfork(nullptr, nullptr, wipe_window_in_child);

// We only ever map over our own reservation, whatever the page says.
bool inside_window(uint64_t address, uint64_t size) {
  return size != 0 && address % 4096 == 0 && address >= g_window.base &&
         address - g_window.base < g_window.size && size <= g_window.size - (address - g_window.base);
}

void reserve_again(uint64_t address, uint64_t size) {
  void* at = reinterpret_cast<void*>(address);
  if (mmap(at, size, PROT_NONE, kReserveFlags | MAP_FIXED, -1, 0) == MAP_FAILED) munmap(at, size);
}

}  // namespace

hb_status_t region_map(hb_handle_t region, uint32_t rights, void** addr_out) {
  ChannelLock lock;  // the call and reading map_* below are one step
  hosted::Channel* c = lock.page();
  if (!c) return HB_ERR_PEER_CLOSED;  // no task attached (hosted/attach.h)
  if (!ensure_window(c)) return HB_ERR_NO_MEMORY;
  int64_t r = raw_syscall(HB_SYS_REGION_MAP, static_cast<uint32_t>(region), rights,
                          reinterpret_cast<uint64_t>(addr_out));
  if (r < 0) return status(r);

  // (M3)
  // DOC: runtime-maps-region
  const uint64_t address = get(c->map_address);
  const uint64_t size = get(c->map_size);
  const bool writable = get(c->map_writable) != 0;
  void* mapped = MAP_FAILED;
  if (inside_window(address, size)) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/fd/%d", static_cast<int>(get(c->map_pid)),
                  static_cast<int>(get(c->map_fd)));
    int fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (fd >= 0) {
      mapped = mmap(reinterpret_cast<void*>(address), size,
                    PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED | MAP_FIXED, fd, 0);
      close(fd);
    }
  }
  if (mapped == MAP_FAILED) {
    // As if it never happened (the kernel already wrote *addr_out, a valid pointer then).
    raw_syscall(HB_SYS_REGION_UNMAP, address);
    if (inside_window(address, size)) reserve_again(address, size);
    *addr_out = nullptr;
    return HB_ERR_NO_MEMORY;
  }
  return HB_OK;
}

hb_status_t region_unmap(void* addr) {
  ChannelLock lock;
  hosted::Channel* c = lock.page();
  if (!c) return HB_ERR_PEER_CLOSED;
  const uint64_t address = reinterpret_cast<uint64_t>(addr);
  int64_t r = raw_syscall(HB_SYS_REGION_UNMAP, address);
  if (r < 0) return status(r);
  const uint64_t size = get(c->map_size);
  if (inside_window(address, size)) reserve_again(address, size);
  return HB_OK;
}

}  // namespace harbor::runtime
