/* shelf.c - exercise 12, reference solution. */
#include "shelf.h"

int put_item(hb_monitor_t *m, uint32_t item) {
  hb_status_t st = hb_monitor_enter(m, HB_FOREVER);
  if (st != HB_OK) return st;
  struct shelf *s = hb_monitor_data(m);
  while (s->count == SHELF_SIZE) {
    st = hb_cond_wait(m, SHELF_NOT_FULL, HB_FOREVER);
    if (st != HB_OK) {
      hb_monitor_exit(m);
      return st;
    }
  }
  s->items[s->in] = item;
  s->in = (s->in + 1) % SHELF_SIZE;
  ++s->count;
  hb_cond_signal(m, SHELF_NOT_EMPTY);
  return hb_monitor_exit(m);
}

int get_item(hb_monitor_t *m, uint32_t *item) {
  hb_status_t st = hb_monitor_enter(m, HB_FOREVER);
  if (st != HB_OK) return st;
  struct shelf *s = hb_monitor_data(m);
  while (s->count == 0) {
    st = hb_cond_wait(m, SHELF_NOT_EMPTY, HB_FOREVER);
    if (st != HB_OK) {
      hb_monitor_exit(m);
      return st;
    }
  }
  *item = s->items[s->out];
  s->out = (s->out + 1) % SHELF_SIZE;
  --s->count;
  hb_cond_signal(m, SHELF_NOT_FULL);
  return hb_monitor_exit(m);
}
