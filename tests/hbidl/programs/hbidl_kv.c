/* hbidl_kv: the stubs and server hbidl generates from userland/examples/kv.hbidl, as a
 * portable program (tests/qemu/programs/check.h): the same C runs under harbor-emu and on
 * bare metal under QEMU, which is the proof that generated code needs nothing of libc beyond
 * memcpy/memset. A kv server task is spawned; the client stores, reads and removes keys,
 * passes a semaphore as a handle parameter, sends malformed requests by hand, and finally
 * sees a server that dies in the middle of a call as HB_ERR_PEER_CLOSED. */
#include "check.h"
#include "kv_rpc.h"
#include "kv_rpc_wire.h"

#include <string.h>

#define SLOTS 4

static struct {
  char key[SLOTS][33];
  uint8_t value[SLOTS][64];
  uint32_t length[SLOTS];
  kv_counters counters;
  hb_handle_t changed;
} g;

static int find(const char *key) {
  for (int i = 0; i < SLOTS; ++i)
    if (g.key[i][0] && strcmp(g.key[i], key) == 0) return i;
  return -1;
}

static hb_status_t do_put(void *ctx, const char *key, const uint8_t *value, uint32_t n) {
  (void)ctx;
  int i = find(key);
  for (int j = 0; i < 0 && j < SLOTS; ++j)
    if (!g.key[j][0]) i = j;
  if (i < 0) return HB_ERR_NO_MEMORY;
  if (!g.key[i][0]) ++g.counters.keys;
  memcpy(g.key[i], key, strlen(key) + 1);
  memcpy(g.value[i], value, n);
  g.length[i] = n;
  ++g.counters.puts;
  if (g.changed != HB_INVALID) hb_sem_post(g.changed, 1);
  return HB_OK;
}

static hb_status_t do_get(void *ctx, const char *key, uint8_t value[64], uint32_t *n) {
  (void)ctx;
  int i = find(key);
  ++g.counters.gets;
  if (i < 0) return HB_ERR_NOT_FOUND;
  memcpy(value, g.value[i], g.length[i]);
  *n = g.length[i];
  return HB_OK;
}

static hb_status_t do_remove(void *ctx, const char *key, bool *existed) {
  (void)ctx;
  int i = find(key);
  if (i < 0) return HB_ERR_NOT_FOUND;
  g.key[i][0] = 0;
  --g.counters.keys;
  *existed = true;
  return HB_OK;
}

static hb_status_t do_stats(void *ctx, kv_counters *counters) {
  (void)ctx;
  *counters = g.counters;
  return HB_OK;
}

static hb_status_t do_watch(void *ctx, hb_handle_t changed) {
  (void)ctx;
  if (g.changed != HB_INVALID) hb_handle_close(g.changed);
  g.changed = changed;
  return HB_OK;
}

/* The server that dies: its put ends the task before answering. */
static hb_status_t die(void *ctx, const char *key, const uint8_t *value, uint32_t n) {
  (void)ctx, (void)key, (void)value, (void)n;
  hb_task_exit(3);
}

static int server(const t_start *s, int dying) {
  CHECK_EQ(s->handle_count, 1);
  g.counters.capacity = SLOTS;
  kv_ops ops = {dying ? die : do_put, do_get, do_remove, do_stats, do_watch};
  CHECK_EQ(kv_serve(s->handles[0], &ops, 0), HB_ERR_PEER_CLOSED); /* the only good way out */
  return t_done();
}

/* A request written by hand: the interface id and method number, then `len` - 8 zeros. */
static hb_status_t raw(hb_handle_t port, uint32_t id, uint32_t method, uint32_t len) {
  uint8_t request[128], reply[16];
  memset(request, 0, sizeof request);
  hbidl_put_u32(request, id);
  hbidl_put_u32(request + 4, method);
  hb_msg_out out = {request, len, 0, 0};
  hb_msg_in in = {0};
  in.data = reply;
  in.cap = sizeof reply;
  hb_status_t st = hb_call(port, &out, &in, T_MS(5000));
  if (st != HB_OK) return st;
  CHECK_EQ(in.len, 4); /* an error reply is the status alone */
  return (hb_status_t)hbidl_get_u32(reply);
}

static hb_handle_t start_server(const char *role, hb_task_id_t *child) {
  hb_handle_t r, snd;
  CHECK_EQ(hb_port_create(HB_PORT_RENDEZVOUS, 0, 0, &r, &snd), HB_OK);
  CHECK_EQ(t_spawn("hbidl_kv", role, &r, 1, child), HB_OK);
  return snd;
}

int main(void) {
  t_name = "hbidl_kv";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "server")) return server(&s, 0);
  if (t_role_is(&s, "dying")) return server(&s, 1);

  hb_task_id_t child = 0;
  hb_handle_t kv = start_server("server", &child);
  const hb_time_t t = T_MS(5000);
  const uint8_t calm[4] = {'c', 'a', 'l', 'm'};
  uint8_t value[64];
  uint32_t n = 0;
  CHECK_EQ(kv_put(kv, t, "weather", calm, 4), HB_OK);
  CHECK_EQ(kv_get(kv, t, "weather", value, &n), HB_OK);
  CHECK_EQ(n, 4);
  CHECK_EQ(memcmp(value, calm, 4), 0);
  CHECK_EQ(kv_get(kv, t, "tide", value, &n), HB_ERR_NOT_FOUND); /* the server's own error */
  CHECK_EQ(kv_put(kv, t, "0123456789abcdef0123456789abcdefX", calm, 1), HB_ERR_INVALID_ARG);
  CHECK_EQ(kv_put(kv, t, "weather", value, 65), HB_ERR_INVALID_ARG); /* refused, not sent */
  for (int i = 0; i < SLOTS - 1; ++i) {
    char key[2] = {(char)('a' + i), 0};
    CHECK_EQ(kv_put(kv, t, key, calm, 1), HB_OK);
  }
  CHECK_EQ(kv_put(kv, t, "full", calm, 1), HB_ERR_NO_MEMORY);

  /* a handle parameter, with only the rights the server needs */
  hb_handle_t sem, give;
  CHECK_EQ(hb_sem_create(0, 10, &sem), HB_OK);
  CHECK_EQ(hb_handle_dup(sem, HB_RIGHT_SEND | HB_RIGHT_TRANSFER, &give), HB_OK);
  CHECK_EQ(kv_watch(kv, t, give), HB_OK);
  CHECK_EQ(kv_put(kv, t, "weather", calm, 2), HB_OK);
  CHECK_EQ(hb_sem_wait(sem, HB_NOWAIT), HB_OK); /* the server posted it */

  /* requests written by hand: refused with an error reply, the server goes on */
  CHECK_EQ(raw(kv, 0x12345678, 1, 8), HB_ERR_WRONG_TYPE);
  CHECK_EQ(raw(kv, KV_INTERFACE_ID, 42, 8), HB_ERR_NOT_FOUND);
  CHECK_EQ(raw(kv, KV_INTERFACE_ID, KV_GET_METHOD, 7), HB_ERR_INVALID_ARG);
  CHECK_EQ(raw(kv, KV_INTERFACE_ID, KV_GET_METHOD, KV_GET_REQUEST_SIZE + 1), HB_ERR_INVALID_ARG);
  bool existed = false;
  CHECK_EQ(kv_remove(kv, t, "weather", &existed), HB_OK);
  CHECK(existed);
  kv_counters c;
  CHECK_EQ(kv_stats(kv, t, &c), HB_OK);
  CHECK_EQ(c.keys, SLOTS - 1);
  CHECK_EQ(c.capacity, SLOTS);
  CHECK_EQ(c.puts, SLOTS + 1);

  CHECK_EQ(hb_handle_close(kv), HB_OK); /* the last send right: the server ends */
  int32_t code = -1;
  CHECK_EQ(hb_task_wait(child, &code, t), HB_OK);
  CHECK_EQ(code, 0);

  /* a server that dies in the middle of a call */
  kv = start_server("dying", &child);
  CHECK_EQ(kv_put(kv, t, "weather", calm, 4), HB_ERR_PEER_CLOSED);
  CHECK_EQ(kv_get(kv, t, "weather", value, &n), HB_ERR_PEER_CLOSED);
  CHECK_EQ(hb_task_wait(child, &code, t), HB_OK);
  CHECK_EQ(code, 3);
  CHECK_EQ(hb_handle_close(kv), HB_OK);
  return t_done();
}
