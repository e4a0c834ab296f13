// arch/x86_64/memory.cc - physical memory: a free list of 4 KiB pages, and the kernel heap
// (arch::heap_alloc / arch::heap_free) carved from one contiguous arena.
//
// All RAM the kernel uses lies in the first 1 GiB, which is identity-mapped in every address
// space (boot.S, paging.cc): a physical address *is* the kernel's pointer to it.
//
//   0        1 MiB       kernel_end     arena_end                        min(RAM, 1 GiB)
//   | BIOS.. | kernel image | heap arena   | free pages (user memory, page tables) |
//
// The heap: power-of-two size classes from 16 B to 1 MiB (the largest thing the kernel
// allocates is the name server's handle table, 24 576 slots in 768 KiB: kernel/kernel.h; then
// a message with 64 KiB of payload). A class below 4 KiB is fed by cutting a page into
// blocks; a larger class by taking aligned bytes from the arena. Freed blocks go back to their
// class's list. The kernel passes the size to heap_free, so blocks carry no header.
#include <arch/memory.h>
#include <arch/panic.h>

#include "x86.h"

extern "C" char kernel_end[];

namespace x86 {

namespace {

constexpr uint64_t kPage = 4096;
// 1 GiB less the top 2 MiB, where the local APIC's registers are mapped (smp.cc).
constexpr uint64_t kIdentityLimit = (1ull << 30) - (2ull << 20);
constexpr int kMinClass = 4, kMaxClass = 20;

struct FreeNode {
  FreeNode* next;
};

FreeNode* g_free_pages = nullptr;
uint64_t g_free_page_count = 0;

uint64_t g_arena_next = 0, g_arena_end = 0;
FreeNode* g_classes[kMaxClass + 1] = {};

uint32_t read32(uint64_t address) { return *reinterpret_cast<volatile uint32_t*>(address); }
uint64_t read64(uint64_t address) { return *reinterpret_cast<volatile uint64_t*>(address); }

int size_class(size_t bytes) {
  int k = kMinClass;
  while ((1ull << k) < bytes) ++k;
  return k;
}

void* arena_take(uint64_t bytes, uint64_t align) {
  uint64_t at = (g_arena_next + align - 1) & ~(align - 1);
  if (at + bytes > g_arena_end) return nullptr;
  g_arena_next = at + bytes;
  return reinterpret_cast<void*>(at);
}

}  // namespace

void memory_init(uint32_t info) {
  uint32_t flags = read32(info);
  if (!(flags & (1u << 6))) arch::panic("multiboot: no memory map");
  uint64_t first_free = (reinterpret_cast<uint64_t>(kernel_end) + kPage - 1) & ~(kPage - 1);
  // Multiboot modules and the command line sit above the kernel too; keep 64 KiB for them
  // (the kernel copies the command line before it allocates anything).
  first_free += 16 * kPage;

  // Pass 1: how much usable memory is there above the kernel?
  uint64_t mmap = read32(info + 48), mmap_end = mmap + read32(info + 44);
  uint64_t usable = 0, best_start = 0, best_end = 0;
  for (uint64_t e = mmap; e < mmap_end; e += read32(e) + 4) {
    uint64_t base = read64(e + 4), length = read64(e + 12);
    if (read32(e + 20) != 1) continue;  // 1: available RAM
    uint64_t start = base < first_free ? first_free : base;
    uint64_t end = base + length > kIdentityLimit ? kIdentityLimit : base + length;
    start = (start + kPage - 1) & ~(kPage - 1);
    end &= ~(kPage - 1);
    if (end <= start) continue;
    usable += end - start;
    if (end - start > best_end - best_start) best_start = start, best_end = end;
  }
  // The heap arena: a quarter of memory, 4..64 MiB, from the largest region.
  uint64_t arena = usable / 4;
  if (arena < (4ull << 20)) arena = 4ull << 20;
  if (arena > (64ull << 20)) arena = 64ull << 20;
  if (best_end - best_start < arena * 2) arch::panic("not enough memory (need >= 8 MiB free)");
  g_arena_next = best_start;
  g_arena_end = best_start + arena;

  // Pass 2: every other usable page goes on the free list.
  for (uint64_t e = mmap; e < mmap_end; e += read32(e) + 4) {
    uint64_t base = read64(e + 4), length = read64(e + 12);
    if (read32(e + 20) != 1) continue;
    uint64_t start = base < first_free ? first_free : base;
    uint64_t end = base + length > kIdentityLimit ? kIdentityLimit : base + length;
    start = (start + kPage - 1) & ~(kPage - 1);
    end &= ~(kPage - 1);
    for (uint64_t page = start; page + kPage <= end; page += kPage) {
      if (page >= g_arena_next && page < g_arena_end) continue;
      page_free(page);
    }
  }
  print("harbor: memory: ");
  print_dec(static_cast<int64_t>(g_free_page_count * kPage >> 20));
  print(" MiB for pages, ");
  print_dec(static_cast<int64_t>(arena >> 20));
  print(" MiB kernel heap\n");
}

uint64_t page_alloc() {
  FreeNode* node = g_free_pages;
  if (!node) return 0;
  g_free_pages = node->next;
  --g_free_page_count;
  uint64_t* words = reinterpret_cast<uint64_t*>(node);
  for (uint64_t i = 0; i < kPage / 8; ++i) words[i] = 0;
  return reinterpret_cast<uint64_t>(node);
}

void page_free(uint64_t page) {
  auto* node = reinterpret_cast<FreeNode*>(page);
  node->next = g_free_pages;
  g_free_pages = node;
  ++g_free_page_count;
}

uint64_t pages_free() { return g_free_page_count; }

}  // namespace x86

namespace arch {

void* heap_alloc(size_t bytes) {
  using namespace x86;
  if (bytes == 0) bytes = 1;
  int k = size_class(bytes);
  if (k > kMaxClass) return nullptr;
  if (FreeNode* node = g_classes[k]) {
    g_classes[k] = node->next;
    return node;
  }
  uint64_t size = 1ull << k;
  if (size >= kPage) return arena_take(size, kPage);
  // A small class: cut a fresh page into blocks, keep one, list the rest.
  auto* page = static_cast<uint8_t*>(arena_take(kPage, kPage));
  if (!page) return nullptr;
  for (uint64_t at = size; at < kPage; at += size) {
    auto* node = reinterpret_cast<FreeNode*>(page + at);
    node->next = g_classes[k];
    g_classes[k] = node;
  }
  return page;
}

void heap_free(void* pointer, size_t bytes) {
  using namespace x86;
  if (!pointer) return;
  if (bytes == 0) bytes = 1;
  int k = size_class(bytes);
  if (k > kMaxClass) panic("heap_free: size larger than any heap block");
  auto* node = static_cast<FreeNode*>(pointer);
  node->next = g_classes[k];
  g_classes[k] = node;
}

}  // namespace arch
