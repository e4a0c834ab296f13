/* semaphores: counting semaphores between tasks. A producer and a consumer share a ring of
 * slots in a grant region, with `free` and `full` semaphores (the textbook's bounded
 * buffer): every item arrives once, in order. Plus the semaphore's own rules: max, rights,
 * wrong types, a waiter woken by another task. */
#include "check.h"

#define SLOTS 4
#define ITEMS 500

typedef struct ring {
  uint32_t items[SLOTS];
} ring;

/* handles: region, free, full. */
static int producer(const t_start *s) {
  CHECK_EQ(s->handle_count, 3);
  void *p = 0;
  CHECK_EQ(hb_region_map(s->handles[0], HB_RIGHT_READ | HB_RIGHT_WRITE, &p), HB_OK);
  if (!p) return t_done();
  volatile ring *r = (volatile ring *)p;
  for (uint32_t i = 0; i < ITEMS; ++i) {
    CHECK_EQ(hb_sem_wait(s->handles[1], T_MS(10000)), HB_OK);
    r->items[i % SLOTS] = i * 3 + 1;
    CHECK_EQ(hb_sem_post(s->handles[2], 1), HB_OK);
  }
  return t_done();
}

/* Blocks on the semaphore it was given until the parent posts. */
static int waiter(const t_start *s) {
  CHECK_EQ(s->handle_count, 1);
  CHECK_EQ(hb_sem_wait(s->handles[0], T_MS(10000)), HB_OK);
  return t_done();
}

static void rules(void) {
  hb_handle_t sem, post_only, wait_only, r, snd, h;
  CHECK_EQ(hb_sem_create(0, 0, &h), HB_ERR_INVALID_ARG);      /* max >= 1 */
  CHECK_EQ(hb_sem_create(3, 2, &h), HB_ERR_INVALID_ARG);      /* initial <= max */
  CHECK_EQ(hb_sem_create(1, 2, &sem), HB_OK);
  CHECK_EQ(hb_sem_post(sem, 0), HB_ERR_INVALID_ARG);
  CHECK_EQ(hb_sem_post(sem, 2), HB_ERR_INVALID_ARG);          /* 3 > max: nothing changes */
  CHECK_EQ(hb_sem_post(sem, 1), HB_OK);                       /* 2 */
  CHECK_EQ(hb_sem_post(sem, 1), HB_ERR_INVALID_ARG);
  CHECK_EQ(hb_sem_wait(sem, HB_NOWAIT), HB_OK);
  CHECK_EQ(hb_sem_wait(sem, HB_NOWAIT), HB_OK);
  CHECK_EQ(hb_sem_wait(sem, HB_NOWAIT), HB_ERR_WOULD_BLOCK);
  /* Rights: SEND posts, RECV waits. */
  CHECK_EQ(hb_handle_dup(sem, HB_RIGHT_SEND, &post_only), HB_OK);
  CHECK_EQ(hb_handle_dup(sem, HB_RIGHT_RECV, &wait_only), HB_OK);
  CHECK_EQ(hb_sem_wait(post_only, HB_NOWAIT), HB_ERR_ACCESS);
  CHECK_EQ(hb_sem_post(wait_only, 1), HB_ERR_ACCESS);
  CHECK_EQ(hb_sem_post(post_only, 1), HB_OK);
  CHECK_EQ(hb_sem_wait(wait_only, HB_NOWAIT), HB_OK);
  /* Wrong types, both ways. */
  CHECK_EQ(hb_port_create(HB_PORT_BOUNDED, 1, 0, &r, &snd), HB_OK);
  CHECK_EQ(hb_sem_post(snd, 1), HB_ERR_WRONG_TYPE);
  CHECK_EQ(hb_sem_wait(r, HB_NOWAIT), HB_ERR_WRONG_TYPE);
  CHECK_EQ(t_send_text(sem, "x", HB_NOWAIT), HB_ERR_WRONG_TYPE);
  hb_handle_close(post_only);
  hb_handle_close(wait_only);
  hb_handle_close(r);
  hb_handle_close(snd);
  CHECK_EQ(hb_handle_close(sem), HB_OK);
  CHECK_EQ(hb_sem_post(sem, 1), HB_ERR_BAD_HANDLE);
}

int main(void) {
  t_name = "semaphores";
  t_start s;
  t_get_start(&s);
  if (t_role_is(&s, "producer")) return producer(&s);
  if (t_role_is(&s, "waiter")) return waiter(&s);

  rules();

  /* A waiter in another task, woken by our post. */
  hb_handle_t sem, dup;
  hb_task_id_t child = 0;
  int32_t code = -1;
  CHECK_EQ(hb_sem_create(0, 1, &sem), HB_OK);
  CHECK_EQ(hb_handle_dup(sem, HB_RIGHTS_SAME, &dup), HB_OK);
  CHECK_EQ(t_spawn("semaphores", "waiter", &dup, 1, &child), HB_OK);
  t_sleep(T_MS(30));
  CHECK_EQ(hb_task_wait(child, &code, HB_NOWAIT), HB_ERR_WOULD_BLOCK);  /* still waiting */
  CHECK_EQ(hb_sem_post(sem, 1), HB_OK);
  CHECK_EQ(hb_task_wait(child, &code, T_MS(5000)), HB_OK);
  CHECK_EQ(code, 0);
  CHECK_EQ(hb_sem_wait(sem, HB_NOWAIT), HB_ERR_WOULD_BLOCK);  /* the waiter took the unit */

  /* The bounded buffer. */
  hb_handle_t region, free_slots, full_slots, give[3];
  void *p = 0;
  CHECK_EQ(hb_region_create(sizeof(ring), 0, &region), HB_OK);
  CHECK_EQ(hb_region_map(region, HB_RIGHT_READ | HB_RIGHT_WRITE, &p), HB_OK);
  CHECK_EQ(hb_sem_create(SLOTS, SLOTS, &free_slots), HB_OK);
  CHECK_EQ(hb_sem_create(0, SLOTS, &full_slots), HB_OK);
  CHECK_EQ(hb_handle_dup(region, HB_RIGHTS_SAME, &give[0]), HB_OK);
  CHECK_EQ(hb_handle_dup(free_slots, HB_RIGHTS_SAME, &give[1]), HB_OK);
  CHECK_EQ(hb_handle_dup(full_slots, HB_RIGHTS_SAME, &give[2]), HB_OK);
  CHECK_EQ(t_spawn("semaphores", "producer", give, 3, &child), HB_OK);
  if (p) {
    volatile ring *r = (volatile ring *)p;
    uint32_t wrong = 0;
    for (uint32_t i = 0; i < ITEMS; ++i) {
      hb_status_t st = hb_sem_wait(full_slots, T_MS(10000));
      CHECK_EQ(st, HB_OK);
      if (st != HB_OK) break;
      if (r->items[i % SLOTS] != i * 3 + 1) ++wrong;
      CHECK_EQ(hb_sem_post(free_slots, 1), HB_OK);
    }
    CHECK_EQ(wrong, 0);
  }
  CHECK_EQ(hb_task_wait(child, &code, T_MS(10000)), HB_OK);
  CHECK_EQ(code, 0);
  CHECK_EQ(hb_sem_wait(full_slots, HB_NOWAIT), HB_ERR_WOULD_BLOCK);  /* nothing extra */
  return t_done();
}
