/* userland/lib/monitor/monitor_names.c - a monitor found by name (harbor/monitor.h,
 * hb_monitor_publish / hb_monitor_open) through the name service (harbor/names.h).
 *
 * The name service stores one handle per name, so a monitor is several names:
 *   NAME.0 .. NAME.<w-1>  the waiter slots' semaphores       registered first,
 *   NAME.mutex            the mutex                            then this,
 *   NAME                  the region                           last:
 * once NAME can be looked up, every other name is there, so hb_monitor_open waits (with its
 * timeout) only for NAME and looks up the rest with HB_NOWAIT.
 */
#include <harbor/monitor.h>
#include <harbor/names.h>

#include <string.h>

#include "layout.h"

#define SUFFIX_MAX 6u /* ".mutex", ".13" */

/* `name` + `suffix` into out (HB_NAME_MAX + 1 bytes); INVALID_ARG if it does not fit. */
static hb_status_t with_suffix(const char *name, const char *suffix, char *out) {
  size_t n = strlen(name), s = strlen(suffix);
  if (n == 0 || n + s > HB_NAME_MAX) return HB_ERR_INVALID_ARG;
  memcpy(out, name, n);
  memcpy(out + n, suffix, s + 1);
  return HB_OK;
}

/* ".<i>" for a slot index below 100. */
static void slot_suffix(uint32_t i, char out[5]) {
  char *at = out;
  *at++ = '.';
  if (i >= 10) *at++ = (char)('0' + i / 10);
  *at++ = (char)('0' + i % 10);
  *at = 0;
}

static void unregister_slots(const char *name, uint32_t count) {
  char full[HB_NAME_MAX + 1], suffix[5];
  for (uint32_t i = 0; i < count; ++i) {
    slot_suffix(i, suffix);
    if (with_suffix(name, suffix, full) == HB_OK) hb_name_unregister(full);
  }
}

hb_status_t hb_monitor_publish(const hb_monitor_t *m, const char *name) {
  if (m == NULL || m->shared == NULL || name == NULL) return HB_ERR_INVALID_ARG;
  if (strlen(name) == 0 || strlen(name) > HB_NAME_MAX - SUFFIX_MAX) return HB_ERR_INVALID_ARG;
  char full[HB_NAME_MAX + 1], suffix[5];
  hb_status_t s = HB_OK;
  uint32_t done = 0;
  for (; s == HB_OK && done < m->waiters; ++done) {
    slot_suffix(done, suffix);
    s = with_suffix(name, suffix, full);
    if (s == HB_OK) s = hb_name_register(full, m->slots[done]);
    if (s != HB_OK) break;
  }
  if (s == HB_OK) s = with_suffix(name, ".mutex", full);
  if (s == HB_OK) s = hb_name_register(full, m->mutex);
  if (s == HB_OK) {
    s = hb_name_register(name, m->region);
    if (s != HB_OK) hb_name_unregister(full); /* full is still NAME.mutex */
  }
  if (s != HB_OK) unregister_slots(name, done);
  return s;
}

hb_status_t hb_monitor_open(const char *name, hb_time_t timeout, hb_monitor_t *out) {
  if (name == NULL || out == NULL) return HB_ERR_INVALID_ARG;
  if (strlen(name) == 0 || strlen(name) > HB_NAME_MAX - SUFFIX_MAX) return HB_ERR_INVALID_ARG;
  hb_handle_t h[HB_MONITOR_HANDLES_MAX];
  uint32_t count = 0;
  const uint32_t pass_on = HB_RIGHT_TRANSFER | HB_RIGHT_DUP;
  hb_status_t s = hb_name_lookup(name, HB_RIGHT_READ | HB_RIGHT_WRITE | HB_RIGHT_MAP | pass_on,
                                 timeout, &h[0]);
  if (s != HB_OK) return s;
  count = 1;
  /* How many slots: the header says (attach checks it all again). */
  void *addr = NULL;
  s = hb_region_map(h[0], HB_RIGHT_READ, &addr);
  uint32_t waiters = 0;
  if (s == HB_OK) {
    const struct monitor_shared *sh = (const struct monitor_shared *)addr;
    waiters = sh->magic == HB_MONITOR_MAGIC ? sh->waiters : 0;
    hb_region_unmap(addr);
    if (waiters < 1 || waiters > HB_MONITOR_WAITERS_MAX) s = HB_ERR_INVALID_ARG;
  }
  char full[HB_NAME_MAX + 1], suffix[5];
  if (s == HB_OK) s = with_suffix(name, ".mutex", full);
  if (s == HB_OK) s = hb_name_lookup(full, HB_RIGHT_SEND | HB_RIGHT_RECV | pass_on, HB_NOWAIT,
                                     &h[count]);
  if (s == HB_OK) ++count;
  for (uint32_t i = 0; s == HB_OK && i < waiters; ++i) {
    slot_suffix(i, suffix);
    s = with_suffix(name, suffix, full);
    if (s == HB_OK) s = hb_name_lookup(full, HB_RIGHT_SEND | HB_RIGHT_RECV | pass_on, HB_NOWAIT,
                                       &h[count]);
    if (s == HB_OK) ++count;
  }
  if (s == HB_OK) s = hb_monitor_attach(h, count, out);
  if (s != HB_OK)
    for (uint32_t i = 0; i < count; ++i) hb_handle_close(h[i]);
  return s;
}
