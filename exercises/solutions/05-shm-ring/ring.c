/* ring.c - exercise 05, reference solution. */
#include "ring.h"

int ring_put(struct ring *r, const struct ring_sync *s, uint32_t item) {
  hb_status_t st = hb_sem_wait(s->empty, HB_FOREVER);
  if (st == HB_OK) st = hb_sem_wait(s->mutex, HB_FOREVER);
  if (st != HB_OK) return st;
  r->slots[r->in] = item;
  r->in = (r->in + 1) % RING_SLOTS;
  st = hb_sem_post(s->mutex, 1);
  if (st == HB_OK) st = hb_sem_post(s->full, 1);
  return st;
}

int ring_get(struct ring *r, const struct ring_sync *s, uint32_t *item) {
  hb_status_t st = hb_sem_wait(s->full, HB_FOREVER);
  if (st == HB_OK) st = hb_sem_wait(s->mutex, HB_FOREVER);
  if (st != HB_OK) return st;
  *item = r->slots[r->out];
  r->out = (r->out + 1) % RING_SLOTS;
  st = hb_sem_post(s->mutex, 1);
  if (st == HB_OK) st = hb_sem_post(s->empty, 1);
  return st;
}
