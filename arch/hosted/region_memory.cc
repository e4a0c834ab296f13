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
//   (M4) Unmapping is the other way round: the kernel forgets the mapping (region_unmap),
//        *then* the runtime puts its reservation back over the pages, after the syscall
//        returned and before it makes another one (its call lock covers both).
// A read-only mapping comes from a read-only descriptor, so the task cannot mprotect it
// writable: a write faults (SIGSEGV) and the emulator reports the writer killed (-11).
// region_unmap frees the range (and tells the runtime the size, to put its reservation
// back after the kernel said yes).
//
// DOC: hosted-region-cache
// Per-core caches (KernelConfig::per_core_caches; hosted/region_cache.h). With them on, the
// memfd of a destroyed region is kept for the next region made on that core:
//   (C1) create takes a memfd from the core's magazine (or the pool, or memfd_create); its
//        file size is the size class (>= the region), and it holds no pages: zeros;
//   (C2) destroy, when no process can map the memfd any more, punches its pages out and
//        gives it to the core's magazine;
//   (C3) but after (M4) a task may still map it for a moment: its runtime has not yet put
//        its reservation back, or the kernel forgot the task and its process is not dead
//        yet. region_unmap notes every such task with its syscall count; destroy *holds*
//        the memfd (truncated to 0: a stale access faults, as after a revoke) while any of
//        them may still map it. The attach_self task is this very process: region_unmap
//        puts its reservation back itself, at once, so it owes nothing;
//   (C4) a task has unmapped for sure once it made another syscall (M4) or its process is
//        dead; create releases the held memfds whose tasks all have, into the pool.
// So the kernel never hands a task a memfd that another process still maps: a freed
// region's memory is reachable by no task before it is reused, and reads as zeros.
#include <arch/panic.h>
#include <arch/region_memory.h>
#include <harbor/sys.h>
#include <hosted/region_cache.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <vector>

#include "machine_core.h"

namespace arch {

struct RegionMemory {
  int fd;
  uint64_t size;                       // the region's
  uint64_t file_size;                  // the memfd's: the size class when `cached`
  bool cached{false};                  // from the per-core cache, and goes back to it
  bool revoked{false};                 // truncated to 0 (region_memory_revoke)
  kernel::Trace* trace{nullptr};       // the kernel's, for the cache's records
  std::vector<hosted::RegionCache::Owed> owed;  // (C3) tasks that may still map it
};

namespace {

using hosted::detail::t_cpu;

hb_task_id_t current_task() { return t_cpu.task ? t_cpu.task->id : 0; }

// (C4) Has this task certainly put its reservation back over the memory? Lock held.
bool unmapped_for_sure(hosted::detail::MachineCore& machine, const hosted::RegionCache::Owed& owed) {
  auto found = machine.m_live.find(owed.task);
  if (found == machine.m_live.end()) return true;  // the context went after the reaping
  const TaskContext* ctx = found->second;
  if (ctx->exited) return true;     // the process is dead: its mappings went with it
  if (!ctx->task) return false;     // forgotten, but its process may still run a moment
  return ctx->task->stats_syscalls > owed.syscalls;  // (M4) a later call: done
}

}  // namespace

int32_t region_memory_create(uint64_t size, RegionMemory** out) {
  hosted::detail::MachineCore* machine = t_cpu.machine;
  if (machine && machine->kernel().config().per_core_caches) {  // (C1)
    hosted::RegionCache& cache = hosted::region_cache();
    if (cache.held_count() > 0)
      cache.release_held(machine, [machine](const hosted::RegionCache::Owed& owed) {
        return unmapped_for_sure(*machine, owed);
      });
    kernel::Trace* trace = &machine->kernel().trace();
    hosted::RegionCache::Memfd memfd = cache.alloc(current_core(), size, trace, current_task());
    if (memfd.fd < 0) return HB_ERR_NO_MEMORY;
    *out = new RegionMemory{memfd.fd, size, memfd.file_size, true, false, trace, {}};
    return HB_OK;
  }
  int fd = memfd_create("harbor-region", MFD_CLOEXEC);
  if (fd < 0) return HB_ERR_NO_MEMORY;
  if (ftruncate(fd, static_cast<off_t>(size)) != 0) {
    close(fd);
    return HB_ERR_NO_MEMORY;
  }
  *out = new RegionMemory{fd, size, size, false, false, nullptr, {}};
  return HB_OK;
}

void region_memory_destroy(RegionMemory* memory) {
  if (!memory->cached) {
    close(memory->fd);
    delete memory;
    return;
  }
  hosted::RegionCache& cache = hosted::region_cache();
  hosted::detail::MachineCore* machine = t_cpu.machine;
  std::vector<hosted::RegionCache::Owed>& owed = memory->owed;
  if (machine)
    owed.erase(std::remove_if(owed.begin(), owed.end(),
                              [machine](const hosted::RegionCache::Owed& o) {
                                return unmapped_for_sure(*machine, o);
                              }),
               owed.end());
  hosted::RegionCache::Memfd memfd{memory->fd, memory->file_size};
  if (!owed.empty() || !machine) {  // (C3)
    cache.hold(current_core(), memfd, machine, std::move(owed));
  } else if (memory->revoked &&
             ftruncate(memory->fd, static_cast<off_t>(memory->file_size)) != 0) {
    close(memory->fd);  // could not make it whole again: not reusable
  } else {  // (C2)
    cache.free(current_core(), memfd, memory->trace, current_task());
  }
  delete memory;
}

// DOC: hosted-revoke-truncates
void region_memory_revoke(RegionMemory* memory) {
  memory->revoked = true;
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

// (C3) Who may still map `memory` after this unmap (M4), and until when. Lock held.
void note_unmap(TaskContext* ctx, RegionMemory* memory, uint64_t address, uint64_t size) {
  if (ctx->exited) return;  // a dead process maps nothing
  if (ctx->in_process) {
    // This very process: put the reservation back now, as the runtime would after the call.
    void* at = reinterpret_cast<void*>(address);
    if (mmap(at, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1,
             0) != MAP_FAILED)
      return;
  }
  const uint64_t syscalls = ctx->task ? ctx->task->stats_syscalls : UINT64_MAX;
  for (hosted::RegionCache::Owed& owed : memory->owed)
    if (owed.task == ctx->id) {
      owed.syscalls = syscalls;
      return;
    }
  memory->owed.push_back({ctx->id, syscalls});
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

void region_unmap(TaskContext* ctx, RegionMemory* memory, uint64_t address, uint64_t size) {
  ctx->regions.release(address, size);
  if (memory->cached) note_unmap(ctx, memory, address, size);
  hosted::Channel* channel = ctx->channel;
  put(channel->map_address, address);
  put(channel->map_size, size);
  put(channel->map_fd, int32_t{-1});
}

}  // namespace arch
