/* kv-client - stores, reads and removes keys in kv-server through the generated C stubs.
 *
 *   start message: handles[0]  a send right to the service port
 *
 * Every kv_* call below is one hb_call made by kv_rpc_client.c: arguments are marshaled into
 * a fixed-size request (its layout table is in kv_rpc.h), the reply is checked, and the
 * status is HB_OK, the server's own error (HB_ERR_NOT_FOUND for a missing key), or an IPC
 * error (HB_ERR_PEER_CLOSED if the server died, HB_ERR_TIMED_OUT).
 */
#include "example.h"
#include "kv_rpc.h"

#include <string.h>

#define TIMEOUT (5ull * 1000 * 1000 * 1000) /* 5 s */

static int check(const char *what, hb_status_t got, hb_status_t want) {
  if (got == want) return 0;
  say("kv-client: %s: %s, expected %s", what, hb_strerror(got), hb_strerror(want));
  return 1;
}

int main(void) {
  hb_start_info start = start_or_exit("kv-client", 1);
  const hb_handle_t kv = start.handles[0];
  int failed = 0;

  /* Watch: the server posts this semaphore after every change (a handle parameter). It gets
   * only the rights it needs: to post (SEND), and TRANSFER, which moving a handle takes. */
  hb_handle_t sem = HB_INVALID, sem_copy = HB_INVALID;
  failed |= check("sem_create", hb_sem_create(0, 100, &sem), HB_OK);
  failed |= check("dup", hb_handle_dup(sem, HB_RIGHT_SEND | HB_RIGHT_TRANSFER, &sem_copy), HB_OK);
  failed |= check("watch", kv_watch(kv, TIMEOUT, sem_copy), HB_OK); /* sem_copy moves */

  const char *text = "the harbor is calm";
  failed |= check("put", kv_put(kv, TIMEOUT, "weather", (const uint8_t *)text,
                                (uint32_t)strlen(text)), HB_OK);
  uint8_t value[64];
  uint32_t length = 0;
  failed |= check("get", kv_get(kv, TIMEOUT, "weather", value, &length), HB_OK);
  say("kv-client: weather = %.*s", (int)length, (const char *)value);

  failed |= check("get of a missing key", kv_get(kv, TIMEOUT, "tide", value, &length),
                  HB_ERR_NOT_FOUND);
  failed |= check("a key over 32 bytes", kv_put(kv, TIMEOUT, "a-key-that-is-much-too-long-to-store",
                                                value, 1), HB_ERR_INVALID_ARG);
  bool existed = false;
  failed |= check("remove", kv_remove(kv, TIMEOUT, "weather", &existed), HB_OK);
  kv_counters counters;
  failed |= check("stats", kv_stats(kv, TIMEOUT, &counters), HB_OK);
  say("kv-client: %u key(s), %llu put(s), %llu get(s)", (unsigned)counters.keys,
      (unsigned long long)counters.puts, (unsigned long long)counters.gets);
  /* Two changes (the put and the remove): the semaphore was posted twice. */
  failed |= check("first change seen", hb_sem_wait(sem, HB_NOWAIT), HB_OK);
  failed |= check("second change seen", hb_sem_wait(sem, HB_NOWAIT), HB_OK);
  failed |= check("no third change", hb_sem_wait(sem, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  if (!failed) say("kv-client: all answers as expected");
  return failed;
}
