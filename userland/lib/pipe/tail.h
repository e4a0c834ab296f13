/* userland/lib/pipe/tail.h - the reading task's table of tails (pipe.c's helper).
 *
 * A chunk is one message of up to HB_PIPE_ATOMIC bytes. A read asking for fewer bytes than
 * the next chunk holds takes the whole chunk (the kernel delivers whole messages) and keeps
 * the rest here, keyed by the read end's handle number; the next reads of that end serve it
 * first. A handle number carries a generation (docs/design.md 1), so a closed end's number
 * never comes back for another port: a stale entry cannot serve bytes to the wrong pipe, and
 * is reclaimed when the table needs the room (hb_handle_info says the end is gone).
 * Static storage, no malloc (the library runs on both targets): HB_PIPE_TAILS x 64 KiB of
 * .bss, which a hosted task pays only for the pages it touches. */
#ifndef HARBOR_LIB_PIPE_TAIL_H
#define HARBOR_LIB_PIPE_TAIL_H

#include <harbor/pipe.h>

typedef struct hb_pipe_tail {
  hb_handle_t end;   /* HB_INVALID: the entry is free */
  hb_task_id_t task; /* whose handle `end` is: a forked task starts with a copy of this table */
  uint32_t offset; /* first unread byte */
  uint32_t length; /* bytes in `bytes` */
  unsigned char bytes[HB_PIPE_ATOMIC];
} hb_pipe_tail;

/* The tail of `end` with unread bytes, or NULL. An entry made by another task (this process
 * was forked from it: Harbor::testing's function tasks) is dropped, never served: handle
 * numbers of different tasks name different things. That check costs one hb_task_self per
 * read served from a tail, none otherwise. */
hb_pipe_tail *hb_pipe_tail_find(hb_handle_t end);
/* A free entry for `end` (reclaiming entries of ends that no longer exist), or NULL when
 * HB_PIPE_TAILS live read ends hold tails. */
hb_pipe_tail *hb_pipe_tail_claim(hb_handle_t end);
/* Forgets `end`'s tail, if any. */
void hb_pipe_tail_drop(hb_handle_t end);

/* Forgets every tail: for a process that becomes a new task (hosted: Harbor::testing attaches
 * the test body, or a forked function task, to a fresh channel). Handle numbers start again
 * in the new task, so a tail kept for the old one could be served to another pipe. A forked
 * task has another task id, which hb_pipe_tail_find notices; the test body attached to a new
 * machine may get the same id again (1), which only this call can help. The hosted runtime's
 * attach path is where it belongs (userland/runtime/hosted/channel.cc, beside
 * forget_start_args); a program that is one task for its whole life never needs it. */
#ifdef __cplusplus
extern "C"
#endif
void hb_pipe_forget_tails(void);

#endif /* HARBOR_LIB_PIPE_TAIL_H */
