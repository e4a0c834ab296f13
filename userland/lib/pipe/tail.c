/* userland/lib/pipe/tail.c - the reading task's table of tails (tail.h). */
#include "tail.h"

static hb_pipe_tail g_tails[HB_PIPE_TAILS];

static hb_pipe_tail *find_entry(hb_handle_t end) {
  if (end == HB_INVALID) return 0;
  for (uint32_t i = 0; i < HB_PIPE_TAILS; ++i)
    if (g_tails[i].end == end) return &g_tails[i];
  return 0;
}

hb_pipe_tail *hb_pipe_tail_find(hb_handle_t end) {
  hb_pipe_tail *tail = find_entry(end);
  if (tail && tail->task != hb_task_self()) { /* inherited from the task we were forked from */
    tail->end = HB_INVALID;
    return 0;
  }
  return tail;
}

hb_pipe_tail *hb_pipe_tail_claim(hb_handle_t end) {
  for (uint32_t i = 0; i < HB_PIPE_TAILS; ++i)
    if (g_tails[i].end == HB_INVALID || g_tails[i].end == end) {
      g_tails[i].end = end;
      g_tails[i].task = hb_task_self();
      return &g_tails[i];
    }
  /* Every entry is taken: reclaim one whose end was closed or moved away without
   * hb_pipe_close (hb_handle_close, a send to another task). */
  for (uint32_t i = 0; i < HB_PIPE_TAILS; ++i) {
    hb_handle_info_t info;
    if (g_tails[i].task != hb_task_self() ||
        hb_handle_info(g_tails[i].end, &info) == HB_ERR_BAD_HANDLE) {
      g_tails[i].end = end;
      g_tails[i].task = hb_task_self();
      return &g_tails[i];
    }
  }
  return 0;
}

void hb_pipe_tail_drop(hb_handle_t end) {
  hb_pipe_tail *tail = find_entry(end);
  if (tail) tail->end = HB_INVALID;
}

void hb_pipe_forget_tails(void) {
  for (uint32_t i = 0; i < HB_PIPE_TAILS; ++i) g_tails[i].end = HB_INVALID;
}
