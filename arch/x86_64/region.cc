// arch/x86_64/region.cc - the frames behind grant regions (arch/region_memory.h), mapped
// into tasks' address spaces. The kernel (kernel/grant_region.cc) decides who may map what;
// this file only owns frames and page-table entries.
//
// A region's frames are marked kPageShared in every page table that maps them, so tearing
// down an address space (paging.cc) never frees them: the RegionMemory does, when the kernel
// destroys the region. Mappings go in [256 GiB, 512 GiB) of each task, never reused.
#include <arch/memory.h>
#include <arch/region_memory.h>
#include <harbor/sys.h>

#include <new>

#include "x86.h"

namespace arch {

struct RegionMemory {
  struct Map {
    TaskContext* ctx;
    uint64_t address;
    Map* next;
  };
  uint64_t pages{0};
  uint64_t* frames{nullptr};
  bool revoked{false};
  Map* maps{nullptr};
};

namespace {
constexpr uint64_t kRegionBase = 256ull << 30;

// DOC: x86-frame-magazine
// A region's frames come from a small per-core magazine in front of the page free list
// (memory.cc): a region freed on this core leaves up to 32 frames here, and the next region
// made on this core takes them back without going to the shared list (a miss does). Every
// caller holds the kernel lock, so nothing here is a lock of its own; what the magazine buys
// on SMP is locality: a core reuses the frames it last touched. The counts are printed per
// core at the end of a run. Frames held here are not free for page tables or stacks: at
// most 32 per core (512 KiB on -smp 4).
uint64_t frame_alloc() {
  x86::Core& me = x86::this_core();
  if (me.frame_count == 0) {
    ++me.frame_misses;
    return x86::page_alloc();  // zeroed
  }
  ++me.frame_hits;
  uint64_t frame = me.frame_magazine[--me.frame_count];
  __builtin_memset(reinterpret_cast<void*>(frame), 0, 4096);  // a new region reads zeros
  return frame;
}

void frame_free(uint64_t frame) {
  x86::Core& me = x86::this_core();
  constexpr uint32_t kSlots = sizeof(me.frame_magazine) / sizeof(me.frame_magazine[0]);
  if (me.frame_count < kSlots)
    me.frame_magazine[me.frame_count++] = frame;
  else
    x86::page_free(frame);
}

// Clears the entries; the task's core may still hold them in its TLB (it may be running the
// task right now, or have it loaded while it idles): a shootdown makes it forget them before
// this returns (smp.cc), so the frames can be reused and a revoked region is really gone.
void unmap_pages(TaskContext* ctx, uint64_t address, uint64_t pages) {
  for (uint64_t i = 0; i < pages; ++i) x86::space_unmap(ctx->pml4, address + i * 4096);
  if (pages) x86::tlb_shootdown(ctx->core);  // nothing to do when it is this core
}
}  // namespace

int32_t region_memory_create(uint64_t size, RegionMemory** out) {
  uint64_t pages = size / 4096;
  void* memory = heap_alloc(sizeof(RegionMemory));
  uint64_t* frames = static_cast<uint64_t*>(heap_alloc(pages * sizeof(uint64_t)));
  if (!memory || !frames || pages == 0) {
    heap_free(memory, sizeof(RegionMemory));
    heap_free(frames, pages * sizeof(uint64_t));
    return HB_ERR_NO_MEMORY;
  }
  for (uint64_t i = 0; i < pages; ++i) {
    frames[i] = frame_alloc();  // zeroed
    if (!frames[i]) {
      while (i--) frame_free(frames[i]);
      heap_free(memory, sizeof(RegionMemory));
      heap_free(frames, pages * sizeof(uint64_t));
      return HB_ERR_NO_MEMORY;
    }
  }
  auto* region = new (memory) RegionMemory;
  region->pages = pages;
  region->frames = frames;
  *out = region;
  return HB_OK;
}

void region_memory_destroy(RegionMemory* memory) {
  if (memory->maps) panic("region_memory_destroy: still mapped");
  for (uint64_t i = 0; i < memory->pages; ++i) frame_free(memory->frames[i]);
  heap_free(memory->frames, memory->pages * sizeof(uint64_t));
  memory->~RegionMemory();
  heap_free(memory, sizeof(RegionMemory));
}

// DOC: x86-region-revoke
void region_memory_revoke(RegionMemory* memory) {
  memory->revoked = true;
  for (RegionMemory::Map* map = memory->maps; map; map = map->next)
    unmap_pages(map->ctx, map->address, memory->pages);  // a later access is a page fault
}

int32_t region_map(TaskContext* ctx, RegionMemory* memory, uint64_t size, bool writable,
                   uint64_t* address) {
  if (memory->revoked) return HB_ERR_NO_MEMORY;
  if (ctx->next_region == 0) ctx->next_region = kRegionBase;
  uint64_t at = ctx->next_region;
  if (at + size + 4096 > x86::kUserEnd) return HB_ERR_NO_MEMORY;
  auto* map = static_cast<RegionMemory::Map*>(heap_alloc(sizeof(RegionMemory::Map)));
  if (!map) return HB_ERR_NO_MEMORY;
  uint64_t flags = x86::kPageShared | x86::kPageNoExec | (writable ? x86::kPageWrite : 0);
  for (uint64_t i = 0; i < memory->pages; ++i) {
    if (!x86::space_map(ctx->pml4, at + i * 4096, memory->frames[i], flags)) {
      unmap_pages(ctx, at, i);
      heap_free(map, sizeof(RegionMemory::Map));
      return HB_ERR_NO_MEMORY;
    }
  }
  ctx->next_region = at + size + 4096;  // a guard page between mappings
  *map = RegionMemory::Map{ctx, at, memory->maps};
  memory->maps = map;
  *address = at;
  return HB_OK;
}

void region_unmap(TaskContext* ctx, RegionMemory* memory, uint64_t address, uint64_t size) {
  unmap_pages(ctx, address, size / 4096);
  for (RegionMemory::Map** link = &memory->maps; *link; link = &(*link)->next) {
    if ((*link)->ctx == ctx && (*link)->address == address) {
      RegionMemory::Map* map = *link;
      *link = map->next;
      heap_free(map, sizeof(RegionMemory::Map));
      return;
    }
  }
}

}  // namespace arch
