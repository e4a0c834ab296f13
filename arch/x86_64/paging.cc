// arch/x86_64/paging.cc - one address space per task, and the user-copy functions.
//
// Every task has its own PML4 and PDPT. Entry 0 of the PDPT points at the kernel's page
// directory (boot.S: the first 1 GiB identity-mapped with 2 MiB pages) *without* the user
// bit, so the kernel is mapped in every address space and ring 3 can touch none of it.
// Entries 1..511 are the task's own: user space is [1 GiB, 512 GiB).
//
//   task PML4 [0] --U--> task PDPT [0] --(supervisor)--> kernel PD (shared, 2 MiB pages)
//                                  [1..511] --U--> PD --U--> PT --U(/W)(/NX)--> user pages
//
// copy_from_user / copy_to_user walk the *target* task's tables, page by page, and copy
// through the identity map: they work for any task, whichever address space is loaded,
// which is how the kernel completes a blocked task's syscall on its behalf (design.md 3).
//
// The translation cache (x86.h, Translation): the kernel looks up the same few
// user pages on every message (the hb_msg_out/hb_msg_in structures and the buffers, usually
// on the stack or in .bss), and a 4-level walk costs ~30 instructions. space_lookup keeps the
// last translations in a small direct-mapped table, tagged with the page-table root. Every
// change that could make an entry wrong clears it: space_map and space_unmap (that page),
// space_destroy (every entry of that root, which may be reused for another task). It is one
// table for all cores: every caller holds the kernel lock (arch/task_hooks.h), as for the
// page tables themselves.
#include <arch/task_hooks.h>
#include <harbor/sys.h>

#include "x86.h"

extern "C" uint64_t boot_pml4[512];
extern "C" uint64_t boot_pd[512];

namespace x86 {

namespace {

constexpr uint64_t kTableFlags = kPagePresent | kPageWrite | kPageUser;

uint64_t* table(uint64_t physical) { return reinterpret_cast<uint64_t*>(physical & kAddressMask); }

// The entry for `va` one level down, making the table when `create`.
uint64_t* next_level(uint64_t* entry, bool create) {
  if (!(*entry & kPagePresent)) {
    if (!create) return nullptr;
    uint64_t page = page_alloc();
    if (!page) return nullptr;
    *entry = page | kTableFlags;
  }
  return table(*entry);
}

Translation& cache_slot(uint64_t pml4, uint64_t va) {
  return g_translations[translation_slot(pml4, va)];
}

void cache_forget(uint64_t pml4, uint64_t va) {
  Translation& t = cache_slot(pml4, va);
  if (t.pml4 == pml4 && t.va_page == (va & ~4095ull)) t.pml4 = 0;
}

uint64_t* pte(uint64_t pml4, uint64_t va, bool create) {
  uint64_t* pdpt = next_level(&table(pml4)[(va >> 39) & 511], create);
  if (!pdpt) return nullptr;
  uint64_t* pd = next_level(&pdpt[(va >> 30) & 511], create);
  if (!pd) return nullptr;
  uint64_t* pt = next_level(&pd[(va >> 21) & 511], create);
  if (!pt) return nullptr;
  return &pt[(va >> 12) & 511];
}

}  // namespace

uint64_t kernel_pml4() { return reinterpret_cast<uint64_t>(boot_pml4); }

uint64_t space_create() {
  uint64_t pml4 = page_alloc();
  uint64_t pdpt = page_alloc();
  if (!pml4 || !pdpt) {
    if (pml4) page_free(pml4);
    if (pdpt) page_free(pdpt);
    return 0;
  }
  table(pml4)[0] = pdpt | kTableFlags;
  table(pdpt)[0] = reinterpret_cast<uint64_t>(boot_pd) | kPagePresent | kPageWrite;  // no U
  return pml4;
}

void space_destroy(uint64_t pml4) {
  for (Translation& t : g_translations)
    if (t.pml4 == pml4) t.pml4 = 0;
  uint64_t* pdpt = table(table(pml4)[0]);
  for (int i = 1; i < 512; ++i) {  // entry 0 is the kernel's: shared, never freed
    if (!(pdpt[i] & kPagePresent)) continue;
    uint64_t* pd = table(pdpt[i]);
    for (int j = 0; j < 512; ++j) {
      if (!(pd[j] & kPagePresent)) continue;
      uint64_t* pt = table(pd[j]);
      for (int k = 0; k < 512; ++k)
        if ((pt[k] & kPagePresent) && !(pt[k] & kPageShared)) page_free(pt[k] & kAddressMask);
      page_free(pd[j] & kAddressMask);
    }
    page_free(pdpt[i] & kAddressMask);
  }
  page_free(table(pml4)[0] & kAddressMask);
  page_free(pml4);
}

bool space_map(uint64_t pml4, uint64_t va, uint64_t page, uint64_t flags) {
  if (va < kUserBase || va >= kUserEnd) return false;
  uint64_t* entry = pte(pml4, va, true);
  if (!entry) return false;
  cache_forget(pml4, va);
  *entry = page | flags | kPagePresent | kPageUser;
  return true;
}

void space_unmap(uint64_t pml4, uint64_t va) {
  uint64_t* entry = pte(pml4, va, false);
  if (!entry) return;
  *entry = 0;
  cache_forget(pml4, va);
  if (read_cr3() == pml4) __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}

Translation g_translations[kTranslationSlots];

// DOC: x86-user-page-check
// The walk behind space_lookup (x86.h), which has already looked in the cache.
uint64_t space_lookup_walk(uint64_t pml4, uint64_t va, bool write) {
  if (va < kUserBase || va >= kUserEnd) return 0;  // the kernel's, or not canonical
  Translation& cached = cache_slot(pml4, va);
  uint64_t* entry = pte(pml4, va, false);
  if (!entry) return 0;
  uint64_t need = kPagePresent | kPageUser | (write ? kPageWrite : 0);
  if ((*entry & need) != need) return 0;
  cached = Translation{pml4, va & ~4095ull, (*entry & kAddressMask) | (*entry & kPageWrite)};
  return (*entry & kAddressMask) | (va & 4095);
}

}  // namespace x86

namespace arch {

namespace {

// Calls fn(kernel_pointer, chunk) for each page of [user, user + len), after checking all of
// them first, so a fault copies nothing.
template <typename Fn>
int32_t each_user_page(TaskContext* ctx, uint64_t user, uint64_t len, bool write, Fn&& fn) {
  if (!ctx || user + len < user) return HB_ERR_FAULT;
  for (uint64_t at = user & ~4095ull; at < user + len; at += 4096)
    if (!x86::space_lookup(ctx->pml4, at, write)) return HB_ERR_FAULT;
  uint64_t done = 0;
  while (done < len) {
    uint64_t address = user + done;
    uint64_t chunk = 4096 - (address & 4095);
    if (chunk > len - done) chunk = len - done;
    fn(reinterpret_cast<uint8_t*>(x86::space_lookup(ctx->pml4, address, write)), done, chunk);
    done += chunk;
  }
  return HB_OK;
}

// Everything but the fast path: several pages, a cache miss, a fault, len 0. Kept out of
// line so that the fast path below needs no registers saved.
[[gnu::noinline]] int32_t copy_from_user_slow(TaskContext* ctx, void* dst, uint64_t user_src,
                                              uint64_t len) {
  auto* out = static_cast<uint8_t*>(dst);
  return each_user_page(ctx, user_src, len, false, [&](uint8_t* page, uint64_t done, uint64_t n) {
    x86::copy_bytes(out + done, page, n);
  });
}

[[gnu::noinline]] int32_t copy_to_user_slow(TaskContext* ctx, uint64_t user_dst,
                                            const void* src, uint64_t len) {
  auto* in = static_cast<const uint8_t*>(src);
  return each_user_page(ctx, user_dst, len, true, [&](uint8_t* page, uint64_t done, uint64_t n) {
    x86::copy_bytes(page, in + done, n);
  });
}

}  // namespace

// DOC: x86-copy-fast-path
// Almost every user copy of an IPC is a small structure or payload inside one page that the
// translation cache knows (x86.h, space_user_page_hit): then the copy is one cache probe and
// `rep movsq`, about 20 instructions. Anything else takes the general path above.
int32_t copy_from_user(TaskContext* ctx, void* dst, uint64_t user_src, uint64_t len) {
  uint64_t physical = ctx ? x86::space_user_page_hit(ctx->pml4, user_src, len, false) : 0;
  if (!physical) {
    if (len == 0 && ctx && !(user_src & 4095)) return HB_OK;  // (e.g. no handles): no page
    return copy_from_user_slow(ctx, dst, user_src, len);
  }
  x86::copy_bytes(dst, reinterpret_cast<const void*>(physical), len);
  return HB_OK;
}

int32_t copy_to_user(TaskContext* ctx, uint64_t user_dst, const void* src, uint64_t len) {
  uint64_t physical = ctx ? x86::space_user_page_hit(ctx->pml4, user_dst, len, true) : 0;
  if (!physical) {
    if (len == 0 && ctx && !(user_dst & 4095)) return HB_OK;  // touches no page either
    return copy_to_user_slow(ctx, user_dst, src, len);
  }
  x86::copy_bytes(reinterpret_cast<void*>(physical), src, len);
  return HB_OK;
}

}  // namespace arch
