/* userland/lib/bounded_buffer/bounded_buffer.c - the textbook bounded buffer
 * (harbor/bounded_buffer.h) in a grant region, with semaphores empty, full and mutex.
 *
 * The kernel takes part only in the semaphore calls: items move by memcpy into and out of
 * the shared region. `in` is written only by producers and `out` only by consumers, both
 * under `mutex`, which also keeps two producers (or two consumers) off the same slot.
 * Uses only harbor/sys.h, memcpy and memset (SPEC 7 libraries run hosted and bare metal).
 */
#include <harbor/bounded_buffer.h>

#include <string.h>

#define BB_MAGIC 0x42424248u /* "HBBB" */
#define BB_VERSION 1u

/* The semaphore calls order the accesses to the region between tasks (each is a system call,
 * and the kernel's own locking orders them); what must not happen is the compiler moving a
 * load or store of the shared slots across one. The calls are opaque to the compiler, which
 * already forbids that; the barrier says it where a reader looks. (Not a CPU fence:
 * ThreadSanitizer builds reject atomic thread fences.) */
#define SHARED_MEMORY_BARRIER() __asm__ __volatile__("" ::: "memory")

struct bb_header {
  uint32_t magic, version;
  uint32_t item_size, slots;
  uint32_t in;  /* next slot to fill (producers, under mutex) */
  uint32_t out; /* next slot to take (consumers, under mutex) */
};
_Static_assert(sizeof(struct bb_header) <= HB_BOUNDED_BUFFER_HEADER, "header fits before slot 0");

static struct bb_header *header_of(const hb_bounded_buffer_t *b) {
  return (struct bb_header *)b->shared;
}

static unsigned char *slot_at(const hb_bounded_buffer_t *b, uint32_t i) {
  return (unsigned char *)b->shared + HB_BOUNDED_BUFFER_HEADER + (uint64_t)i * b->item_size;
}

uint64_t hb_bounded_buffer_size(uint32_t item_size, uint32_t slots) {
  if (item_size < 1 || item_size > HB_BOUNDED_BUFFER_ITEM_MAX) return 0;
  if (slots < 1 || slots > HB_BOUNDED_BUFFER_SLOTS_MAX) return 0;
  return HB_BOUNDED_BUFFER_HEADER + (uint64_t)item_size * slots;
}

static void write_header(hb_bounded_buffer_t *b, uint32_t item_size, uint32_t slots) {
  struct bb_header *h = header_of(b);
  h->item_size = item_size;
  h->slots = slots;
  h->in = h->out = 0;
  h->version = BB_VERSION;
  __atomic_store_n(&h->magic, BB_MAGIC, __ATOMIC_RELEASE); /* last: the header is whole */
}

static hb_handle_t handle_at(const hb_bounded_buffer_t *b, uint32_t i) {
  const hb_handle_t all[HB_BOUNDED_BUFFER_HANDLES] = {b->region, b->empty, b->full, b->mutex};
  return all[i];
}

static void close_handles(const hb_bounded_buffer_t *b) {
  for (uint32_t i = 0; i < HB_BOUNDED_BUFFER_HANDLES; ++i)
    if (handle_at(b, i) != HB_INVALID) hb_handle_close(handle_at(b, i));
}

hb_status_t hb_bounded_buffer_create(uint32_t item_size, uint32_t slots,
                                     hb_bounded_buffer_t *out) {
  uint64_t size = hb_bounded_buffer_size(item_size, slots);
  if (out == NULL || size == 0) return HB_ERR_INVALID_ARG;
  hb_bounded_buffer_t b;
  memset(&b, 0, sizeof b);
  b.item_size = item_size;
  hb_status_t s = hb_region_create(size, 0, &b.region);
  if (s == HB_OK) s = hb_sem_create(slots, slots, &b.empty); /* slots free slots */
  if (s == HB_OK) s = hb_sem_create(0, slots, &b.full);      /* no item yet */
  if (s == HB_OK) s = hb_sem_create(1, 1, &b.mutex);         /* one task inside */
  if (s == HB_OK) s = hb_region_map(b.region, HB_RIGHT_READ | HB_RIGHT_WRITE, &b.shared);
  if (s != HB_OK) {
    close_handles(&b); /* those not made yet are HB_INVALID */
    return s;
  }
  write_header(&b, item_size, slots); /* the region starts zero-filled: in = out = 0 */
  *out = b;
  return HB_OK;
}

hb_status_t hb_bounded_buffer_grant(const hb_bounded_buffer_t *b, uint32_t roles,
                                    hb_handle_t out[HB_BOUNDED_BUFFER_HANDLES]) {
  const uint32_t both = HB_BOUNDED_BUFFER_PRODUCER | HB_BOUNDED_BUFFER_CONSUMER;
  if (b == NULL || b->shared == NULL || out == NULL) return HB_ERR_INVALID_ARG;
  if (roles == 0 || (roles & ~both) != 0) return HB_ERR_INVALID_ARG;
  const uint32_t T = HB_RIGHT_TRANSFER;
  uint32_t empty = 0, full = 0;
  if (roles & HB_BOUNDED_BUFFER_PRODUCER) empty |= HB_RIGHT_RECV, full |= HB_RIGHT_SEND;
  if (roles & HB_BOUNDED_BUFFER_CONSUMER) empty |= HB_RIGHT_SEND, full |= HB_RIGHT_RECV;
  const uint32_t rights[HB_BOUNDED_BUFFER_HANDLES] = {
      HB_RIGHT_READ | HB_RIGHT_WRITE | HB_RIGHT_MAP | T, empty | T, full | T,
      HB_RIGHT_SEND | HB_RIGHT_RECV | T};
  for (uint32_t i = 0; i < HB_BOUNDED_BUFFER_HANDLES; ++i) {
    hb_status_t s = hb_handle_dup(handle_at(b, i), rights[i], &out[i]);
    if (s != HB_OK) {
      for (uint32_t j = 0; j < i; ++j) hb_handle_close(out[j]);
      return s;
    }
  }
  return HB_OK;
}

static hb_status_t expect_type(hb_handle_t h, uint32_t type) {
  hb_handle_info_t info;
  hb_status_t s = hb_handle_info(h, &info);
  if (s != HB_OK) return s;
  return info.type == type ? HB_OK : HB_ERR_WRONG_TYPE;
}

/* HB_OK: a bounded buffer of b's item size; HB_ERR_WOULD_BLOCK: not formatted (yet). */
static hb_status_t check_header(const hb_bounded_buffer_t *b) {
  const struct bb_header *h = header_of(b);
  uint32_t magic = __atomic_load_n(&h->magic, __ATOMIC_ACQUIRE);
  if (magic == 0 && h->item_size == 0) return HB_ERR_WOULD_BLOCK;
  if (magic != BB_MAGIC || h->version != BB_VERSION || h->item_size != b->item_size ||
      h->slots < 1 || h->slots > HB_BOUNDED_BUFFER_SLOTS_MAX)
    return HB_ERR_INVALID_ARG;
  return HB_OK;
}

/* Maps and checks; *formatted tells whether the header was there. */
static hb_status_t map_and_check(const hb_handle_t *handles, uint32_t count, uint32_t item_size,
                                 hb_bounded_buffer_t *out, int *formatted) {
  if (handles == NULL || out == NULL || count != HB_BOUNDED_BUFFER_HANDLES) return HB_ERR_INVALID_ARG;
  if (item_size < 1 || item_size > HB_BOUNDED_BUFFER_ITEM_MAX) return HB_ERR_INVALID_ARG;
  hb_status_t s = expect_type(handles[0], HB_OBJ_REGION);
  for (uint32_t i = 1; s == HB_OK && i < count; ++i) s = expect_type(handles[i], HB_OBJ_SEMAPHORE);
  if (s != HB_OK) return s;
  hb_bounded_buffer_t b;
  memset(&b, 0, sizeof b);
  s = hb_region_map(handles[0], HB_RIGHT_READ | HB_RIGHT_WRITE, &b.shared);
  if (s != HB_OK) return s;
  b.region = handles[0];
  b.empty = handles[1];
  b.full = handles[2];
  b.mutex = handles[3];
  b.item_size = item_size;
  s = check_header(&b); /* the header is in the region's first page: it cannot fault */
  if (s == HB_ERR_INVALID_ARG) {
    hb_region_unmap(b.shared);
    return s;
  }
  *formatted = s == HB_OK;
  *out = b;
  return HB_OK;
}

hb_status_t hb_bounded_buffer_attach(const hb_handle_t *handles, uint32_t count,
                                     uint32_t item_size, hb_bounded_buffer_t *out) {
  int formatted = 0;
  return map_and_check(handles, count, item_size, out, &formatted);
}

hb_status_t hb_bounded_buffer_format(const hb_handle_t *handles, uint32_t count,
                                     uint32_t item_size, uint32_t slots,
                                     hb_bounded_buffer_t *out) {
  if (hb_bounded_buffer_size(item_size, slots) == 0) return HB_ERR_INVALID_ARG;
  hb_bounded_buffer_t b;
  int formatted = 0;
  hb_status_t s = map_and_check(handles, count, item_size, &b, &formatted);
  if (s != HB_OK) return s;
  if (formatted) {
    hb_region_unmap(b.shared);
    return HB_ERR_ALREADY_EXISTS;
  }
  write_header(&b, item_size, slots);
  *out = b;
  return HB_OK;
}

/* Before the first semaphore wait a region may still be unformatted (a scenario's producer
 * formats it while its consumer already waits); after it, it must be formatted. */
static hb_status_t usable_before_wait(const hb_bounded_buffer_t *b) {
  if (b == NULL || b->shared == NULL) return HB_ERR_INVALID_ARG;
  hb_status_t s = check_header(b);
  return s == HB_ERR_WOULD_BLOCK ? HB_OK : s;
}

// DOC: bounded-buffer-put
hb_status_t hb_bounded_buffer_put(hb_bounded_buffer_t *b, const void *item, hb_time_t timeout) {
  if (item == NULL) return HB_ERR_INVALID_ARG;
  hb_status_t s = usable_before_wait(b);
  if (s != HB_OK) return s;
  s = hb_sem_wait(b->empty, timeout); /* a free slot */
  if (s != HB_OK) return s;
  s = check_header(b);
  if (s != HB_OK) return HB_ERR_INVALID_ARG; /* still no header: not a bounded buffer */
  s = hb_sem_wait(b->mutex, HB_FOREVER); /* held for one memcpy: never long */
  if (s != HB_OK) return s;
  SHARED_MEMORY_BARRIER(); /* read in, out and the slots only after the wait */
  struct bb_header *h = header_of(b);
  memcpy(slot_at(b, h->in), item, b->item_size);
  h->in = (h->in + 1) % h->slots;
  SHARED_MEMORY_BARRIER();
  s = hb_sem_post(b->mutex, 1);
  if (s != HB_OK) return s;
  return hb_sem_post(b->full, 1); /* one more item to take */
}

// DOC: bounded-buffer-get
hb_status_t hb_bounded_buffer_get(hb_bounded_buffer_t *b, void *item, hb_time_t timeout) {
  if (item == NULL) return HB_ERR_INVALID_ARG;
  hb_status_t s = usable_before_wait(b);
  if (s != HB_OK) return s;
  s = hb_sem_wait(b->full, timeout); /* an item */
  if (s != HB_OK) return s;
  s = check_header(b);
  if (s != HB_OK) return HB_ERR_INVALID_ARG;
  s = hb_sem_wait(b->mutex, HB_FOREVER);
  if (s != HB_OK) return s;
  SHARED_MEMORY_BARRIER();
  struct bb_header *h = header_of(b);
  memcpy(item, slot_at(b, h->out), b->item_size);
  h->out = (h->out + 1) % h->slots;
  SHARED_MEMORY_BARRIER();
  s = hb_sem_post(b->mutex, 1);
  if (s != HB_OK) return s;
  return hb_sem_post(b->empty, 1); /* one more free slot */
}

hb_status_t hb_bounded_buffer_detach(hb_bounded_buffer_t *b) {
  if (b == NULL || b->shared == NULL) return HB_ERR_INVALID_ARG;
  hb_region_unmap(b->shared);
  close_handles(b);
  memset(b, 0, sizeof *b);
  return HB_OK;
}
