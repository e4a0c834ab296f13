// arch/hosted/region_memory.cc - the memory of grant regions on the hosted machine.
//
// Each region is a memfd owned by the emulator. Revocation truncates it to size 0, so every
// existing mapping in every task faults (SIGBUS) on its next access: access ends for all,
// at once, without the emulator having to reach into the tasks' address spaces.
//
// Mapping into a task process needs the task's runtime to mmap the memfd (the emulator
// cannot map into another process). That half is not built yet (issue #5): region_map
// answers HB_ERR_NO_MEMORY, so hb_region_map fails cleanly with "no address space".
#include <arch/panic.h>
#include <arch/region_memory.h>
#include <harbor/sys.h>
#include <sys/mman.h>
#include <unistd.h>

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

void region_memory_revoke(RegionMemory* memory) {
  if (ftruncate(memory->fd, 0) != 0) {
    // Nothing better to do: the mappings then keep working, which revoke must not allow.
    panic("region revoke: ftruncate failed");
  }
}

int32_t region_map(TaskContext*, RegionMemory*, uint64_t, bool, uint64_t*) {
  return HB_ERR_NO_MEMORY;
}

void region_unmap(TaskContext*, RegionMemory*, uint64_t, uint64_t) {}

}  // namespace arch
