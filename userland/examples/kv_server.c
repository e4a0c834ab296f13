/* kv-server - a key-value store service described by kv.hbidl, written in C.
 *
 *   start message: handles[0]  the receive right of the service port
 *
 * hbidl generated kv_rpc.h (the types and the kv_ops table) and kv_rpc_server.c (kv_serve:
 * receive, check every byte and handle, call one of the functions below, reply). A function
 * here sees only checked arguments: key is a NUL-terminated string of at most 32 bytes,
 * value_count is at most 64, `changed` is a semaphore with the write right. Whatever status it
 * returns is what the client's stub returns.
 */
#include "example.h"
#include "kv_rpc.h"

#include <string.h>

#define KV_CAPACITY 16

struct entry {
  bool used;
  char key[32 + 1];
  uint32_t length;
  uint8_t value[64];
};

struct store {
  struct entry entries[KV_CAPACITY];
  kv_counters counters;
  hb_handle_t changed; /* a semaphore to post after each change, or HB_INVALID */
};

static struct entry *find(struct store *st, const char *key) {
  for (int i = 0; i < KV_CAPACITY; ++i)
    if (st->entries[i].used && strcmp(st->entries[i].key, key) == 0) return &st->entries[i];
  return NULL;
}

static void notify(struct store *st) {
  if (st->changed != HB_INVALID) hb_sem_post(st->changed, 1);
}

static hb_status_t kv_do_put(void *ctx, const char *key, const uint8_t *value,
                             uint32_t value_count) {
  struct store *st = ctx;
  struct entry *e = find(st, key);
  for (int i = 0; !e && i < KV_CAPACITY; ++i)
    if (!st->entries[i].used) e = &st->entries[i];
  if (!e) return HB_ERR_NO_MEMORY; /* full: the client's kv_put returns this */
  if (!e->used) ++st->counters.keys;
  e->used = true;
  strcpy(e->key, key);
  memcpy(e->value, value, value_count);
  e->length = value_count;
  ++st->counters.puts;
  notify(st);
  return HB_OK;
}

static hb_status_t kv_do_get(void *ctx, const char *key, uint8_t value[64],
                             uint32_t *value_count) {
  struct store *st = ctx;
  struct entry *e = find(st, key);
  ++st->counters.gets;
  if (!e) return HB_ERR_NOT_FOUND;
  memcpy(value, e->value, e->length);
  *value_count = e->length;
  return HB_OK;
}

static hb_status_t kv_do_remove(void *ctx, const char *key, bool *existed) {
  struct store *st = ctx;
  struct entry *e = find(st, key);
  if (!e) return HB_ERR_NOT_FOUND;
  e->used = false;
  --st->counters.keys;
  *existed = true;
  notify(st);
  return HB_OK;
}

static hb_status_t kv_do_stats(void *ctx, kv_counters *counters) {
  *counters = ((struct store *)ctx)->counters;
  return HB_OK;
}

static hb_status_t kv_do_watch(void *ctx, hb_handle_t changed) {
  struct store *st = ctx;
  if (st->changed != HB_INVALID) hb_handle_close(st->changed); /* the method owns it now */
  st->changed = changed;
  return HB_OK;
}

int main(void) {
  hb_start_info start = start_or_exit("kv-server", 1);
  static struct store st; /* zero: empty */
  st.counters.capacity = KV_CAPACITY;
  const kv_ops ops = {kv_do_put, kv_do_get, kv_do_remove, kv_do_stats, kv_do_watch};
  hb_status_t s = kv_serve(start.handles[0], &ops, &st);
  if (s != HB_ERR_PEER_CLOSED) {
    say("kv-server: receive failed: %s", hb_strerror(s));
    return 1;
  }
  say("kv-server: no clients left; %u key(s) stored", (unsigned)st.counters.keys);
  return 0;
}
