/* userland/runtime/x86_64/libc/malloc.c - malloc, free, calloc, realloc for bare-metal tasks.
 *
 * Where the memory comes from: grant regions (SPEC 2), the only memory a task can ask the
 * kernel for. The first malloc creates a 1 MiB region and maps it read-write; when no free
 * block is large enough, another region is made (larger when the request is). Each region is
 * an "arena"; arenas are never given back (a task's memory returns to the kernel when it
 * exits). A program that never calls malloc links none of this and makes no region.
 *
 * Inside an arena, blocks lie end to end, each after a 16-byte header:
 *
 *   arena: | arena header | hdr | payload ... | hdr | payload ... | ... | end hdr (size 0) |
 *   hdr:   size (whole block, a multiple of 16; bit 0 = in use), prev_size (of the block
 *          before it in the arena, 0 for the first)
 *
 * Free blocks are also on one doubly linked list (first fit), its links in their payload.
 * free() merges a block with a free neighbour on either side at once (the header gives the
 * next block, prev_size the previous one), so free memory never stays cut into pieces.
 * Payloads are 16-byte aligned, what any C type needs. A double free, or a pointer malloc
 * did not return, is reported on stderr and aborts, as long as the block's header shows it
 * (a best effort, as in glibc: the header may have been reused since). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <harbor/sys.h>

enum {
  kAlign = 16,
  kHeader = 16,                  /* sizeof(block) */
  kMinBlock = 32,                /* a header and the two free-list links */
  kArenaSize = 1 << 20,          /* 1 MiB: the usual region */
  kInUse = 1,
};

typedef struct block {
  size_t size;      /* of the whole block, header included; bit 0: in use */
  size_t prev_size; /* of the block just before, 0 if this is the first of its arena */
} block;

typedef struct free_links {
  block *next, *prev;
} free_links;

typedef struct arena {
  struct arena *next;
  size_t size;
} arena;

static arena *g_arenas;
static block *g_free; /* first free block */

static size_t block_size(const block *b) { return b->size & ~(size_t)kInUse; }
static int in_use(const block *b) { return (int)(b->size & kInUse); }
static free_links *links(block *b) { return (free_links *)(b + 1); }
static block *next_block(block *b) { return (block *)((char *)b + block_size(b)); }
static block *prev_block(block *b) { return b->prev_size ? (block *)((char *)b - b->prev_size) : NULL; }
static block *block_of(void *payload) { return (block *)payload - 1; }

static void unlink_free(block *b) {
  free_links *l = links(b);
  if (l->prev) links(l->prev)->next = l->next; else g_free = l->next;
  if (l->next) links(l->next)->prev = l->prev;
}

static void push_free(block *b) {
  links(b)->prev = NULL;
  links(b)->next = g_free;
  if (g_free) links(g_free)->prev = b;
  g_free = b;
}

/* Sets a block's size (and in-use bit) and tells the next block. */
static void set_block(block *b, size_t size, int used) {
  b->size = size | (used ? kInUse : 0);
  next_block(b)->prev_size = size;
}

/* A new arena big enough for a block of `need` bytes; its one block goes on the free list. */
static int grow(size_t need) {
  size_t size = need + sizeof(arena) + kHeader + kHeader; /* arena, end header, rounding room */
  if (size < kArenaSize) size = kArenaSize;
  size = (size + 4095) & ~(size_t)4095;
  hb_handle_t region;
  void *memory = NULL;
  if (hb_region_create(size, 0, &region) != HB_OK) return 0;
  if (hb_region_map(region, HB_RIGHT_READ | HB_RIGHT_WRITE, &memory) != HB_OK) {
    hb_handle_close(region);
    return 0;
  }
  /* The handle stays open: the region lives as long as the task. */
  arena *a = (arena *)memory;
  a->next = g_arenas;
  a->size = size;
  g_arenas = a;
  block *first = (block *)((char *)memory + kAlign); /* arena header padded to 16 */
  size_t usable = (size - kAlign - kHeader) & ~(size_t)(kAlign - 1);
  first->prev_size = 0;
  block *end = (block *)((char *)first + usable);
  end->size = kInUse; /* size 0, in use: merging stops here */
  set_block(first, usable, 0);
  push_free(first);
  return 1;
}

/* Bytes of block for a request of n bytes of payload (0 if n is absurdly large). */
static size_t block_need(size_t n) {
  if (n > ((size_t)1 << 40)) return 0; /* far above any region (256 MiB): no overflow below */
  size_t need = (n + kHeader + kAlign - 1) & ~(size_t)(kAlign - 1);
  return need < kMinBlock ? kMinBlock : need;
}

/* Takes `need` bytes from the start of free block b; the rest stays free if it can be a block. */
static void take(block *b, size_t need) {
  unlink_free(b);
  size_t size = block_size(b);
  if (size - need >= kMinBlock) {
    set_block(b, need, 1);
    block *rest = next_block(b);
    rest->prev_size = need;
    set_block(rest, size - need, 0);
    push_free(rest);
  } else {
    set_block(b, size, 1);
  }
}

void *malloc(size_t n) {
  size_t need = block_need(n);
  if (need == 0) {
    errno = ENOMEM;
    return NULL;
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    for (block *b = g_free; b; b = links(b)->next) {
      if (block_size(b) >= need) {
        take(b, need);
        return b + 1;
      }
    }
    if (attempt == 0 && !grow(need)) break;
  }
  errno = ENOMEM;
  return NULL;
}

static void corrupt(const char *what, void *p) {
  fprintf(stderr, "%s(): %s (%p)\n", what, in_use(block_of(p)) ? "invalid pointer" : "double free",
          p);
  abort();
}

void free(void *p) {
  if (p == NULL) return;
  block *b = block_of(p);
  if (((uintptr_t)p & (kAlign - 1)) || !in_use(b) || block_size(b) < kMinBlock) corrupt("free", p);
  size_t size = block_size(b);
  b->size = size; /* not in use: a second free of p is seen while this header survives */
  block *next = next_block(b);
  if (!in_use(next)) { /* merge with the free block after */
    unlink_free(next);
    size += block_size(next);
  }
  block *prev = prev_block(b);
  if (prev && !in_use(prev)) { /* and with the free block before */
    unlink_free(prev);
    size += block_size(prev);
    b = prev;
  }
  set_block(b, size, 0);
  push_free(b);
}

void *calloc(size_t count, size_t size) {
  if (size && count > (size_t)-1 / size) {
    errno = ENOMEM;
    return NULL;
  }
  void *p = malloc(count * size);
  if (p) memset(p, 0, count * size); /* a reused block holds old bytes */
  return p;
}

/* As glibc: realloc(NULL, n) is malloc(n); realloc(p, 0) frees p and returns NULL. On failure
 * p is left as it was. */
void *realloc(void *p, size_t n) {
  if (p == NULL) return malloc(n);
  if (n == 0) {
    free(p);
    return NULL;
  }
  block *b = block_of(p);
  if (((uintptr_t)p & (kAlign - 1)) || !in_use(b)) corrupt("realloc", p);
  size_t need = block_need(n);
  if (need == 0) {
    errno = ENOMEM;
    return NULL;
  }
  if (block_size(b) >= need) return p; /* it fits already (a shrink keeps the block) */
  void *bigger = malloc(n);
  if (bigger == NULL) return NULL;
  memcpy(bigger, p, block_size(b) - kHeader);
  free(p);
  return bigger;
}
