// arch/hosted/region_memory.cc - the memory of grant regions on the hosted machine.
//
// Each region is a memfd owned by the emulator. Revocation truncates it to size 0, so every
// existing mapping in every task faults (SIGBUS) on its next access: access ends for all,
// at once, without the emulator having to reach into the tasks' address spaces.
//
// Mapping into a task. The emulator cannot map memory into another process, so the kernel's
// decision is carried out by the task's own runtime (userland/runtime/hosted/region.cc),
// steps (R1)-(R2) of hosted/channel.h:
//   (M1) the runtime has reserved a window of its address space and written it into its
//        channel page; region_map (kernel lock held, serving that very task's syscall)
//        adopts the window once, picks an address in it (RegionSpace), and writes the
//        answer into the channel: address, size, writable, and "my fd N" with its pid;
//   (M2) the kernel writes the address to the task and returns HB_OK;
//   (M3) the runtime opens /proc/<pid>/fd/<N> O_RDONLY (read-only grant) or O_RDWR and
//        mmaps it MAP_SHARED | MAP_FIXED over its reservation, PROT_READ [| PROT_WRITE];
//        the descriptor is closed at once, the mapping keeps the memory.
// A read-only mapping comes from a read-only descriptor, so the task cannot mprotect it
// writable: a write faults (SIGSEGV) and the emulator reports the writer killed (-11).
// region_unmap frees the range (and tells the runtime the size, to put its reservation
// back after the kernel said yes).
#include <arch/panic.h>
#include <arch/region_memory.h>
#include <harbor/sys.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>

#include "machine_core.h"

namespace arch {

struct RegionMemory {
  int fd;
  uint64_t size;
};

int32_t region_memory_create(uint64_t size, RegionMemory** out) {
  int fd = memfd_create("harbor-region", MFD_CLOEXEC);
  if (fd < 0) return HB_ERR_NO_MEMORY;
  if (ftruncate(fd, static_cast<off_t>(size)) != 0) {
    close(fd);
    return HB_ERR_NO_MEMORY;
  }
  *out = new RegionMemory{fd, size};
  return HB_OK;
}

void region_memory_destroy(RegionMemory* memory) {
  close(memory->fd);
  delete memory;
}

// DOC: hosted-revoke-truncates
void region_memory_revoke(RegionMemory* memory) {
  if (ftruncate(memory->fd, 0) != 0) {
    // Nothing better to do: the mappings then keep working, which revoke must not allow.
    panic("region revoke: ftruncate failed");
  }
}

namespace {

template <typename T>
void put(T& field, T value) {
  std::atomic_ref<T>(field).store(value, std::memory_order_relaxed);
}

template <typename T>
T get(T& field) {
  return std::atomic_ref<T>(field).load(std::memory_order_relaxed);
}

}  // namespace

// (M1)
// DOC: hosted-region-map
int32_t region_map(TaskContext* ctx, RegionMemory* memory, uint64_t size, bool writable,
                   uint64_t* address) {
  hosted::Channel* channel = ctx->channel;
  // The window is the task's word about its own address space: a bad one only hurts it.
  if (!ctx->regions.has_window() &&
      !ctx->regions.set_window(get(channel->region_window_base), get(channel->region_window_size)))
    return HB_ERR_NO_MEMORY;
  uint64_t at = ctx->regions.allocate(size);
  if (at == 0) return HB_ERR_NO_MEMORY;  // no address space left in the window
  put(channel->map_address, at);
  put(channel->map_size, size);
  put(channel->map_pid, static_cast<int32_t>(getpid()));
  put(channel->map_fd, static_cast<int32_t>(memory->fd));
  put(channel->map_writable, writable ? 1u : 0u);
  *address = at;
  return HB_OK;
}

void region_unmap(TaskContext* ctx, RegionMemory*, uint64_t address, uint64_t size) {
  ctx->regions.release(address, size);
  hosted::Channel* channel = ctx->channel;
  put(channel->map_address, address);
  put(channel->map_size, size);
  put(channel->map_fd, int32_t{-1});
}

}  // namespace arch
