/* harbor/pipe.h - pipes and named pipes (SPEC 7): byte streams with POSIX pipe semantics,
 * built in user space on one kernel object, a bounded port.
 *
 *            write ends (send rights, any number: dup them, pass them to children)
 *   writer A --hb_pipe_write--+
 *   writer B --hb_pipe_write--+--> [ bounded port: chunk | chunk | chunk ] --hb_pipe_read--> reader
 *                                  (capacity = chunks it holds)        (the one receive right)
 *
 * A pipe IS a bounded port carrying raw bytes: the read end is its receive right, a write end
 * a send right. A write is cut into chunks of at most HB_PIPE_ATOMIC bytes, one message each,
 * so a write of at most HB_PIPE_ATOMIC bytes is one message and is never interleaved with
 * another writer's. A read takes the next message straight into the caller's buffer; when
 * the caller asked for fewer bytes than the message holds, the library keeps the rest (the
 * "tail") in a small table of the reading task and serves it to the next reads first.
 * End of file and a dead reader come from the kernel, not from the library:
 *   - every send right closed (or its holder dead) and the queue empty: the receive returns
 *     HB_ERR_PEER_CLOSED, hb_pipe_read returns 0 (end of file);
 *   - the receive right closed (or its holder dead): the port dies, every send returns
 *     HB_ERR_PEER_CLOSED, and so does hb_pipe_write.
 * Ends are single kernel handles, so they move to children in a start message like any
 * handle: `a | b` is one hb_pipe_create and two hb_task_spawn calls. Any bounded port made
 * with hb_port_create is a pipe too (harbor-emu's scenario `pipe a | b` line makes one so).
 *
 *     hb_handle_t r, w;
 *     hb_pipe_create(0, &r, &w);                         // the default capacity
 *     hb_pipe_write(w, "hello", 5, HB_FOREVER);          // 5
 *     hb_pipe_close(w);                                  // the last write end
 *     char buf[64];
 *     int64_t n = hb_pipe_read(r, buf, sizeof buf, HB_FOREVER);   // 5, "hello"
 *     n = hb_pipe_read(r, buf, sizeof buf, HB_FOREVER);           // 0: end of file
 *
 * docs/pipes.md is the reference (every function and error, the fifo handshake, why a port
 * and not a ring in shared memory, what it costs). The functions keep no locks: a task is one
 * thread of control.
 */
#ifndef HARBOR_PIPE_H
#define HARBOR_PIPE_H

#include <harbor/sys.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A write of at most this many bytes is one message: never interleaved with another
 * writer's, never split between two reads of a reader that asks for at least as much. */
#define HB_PIPE_ATOMIC HB_MSG_MAX

/* hb_pipe_create's capacity: how many chunks (writes of at most HB_PIPE_ATOMIC bytes) the
 * pipe holds before a writer blocks. 0 means HB_PIPE_CAPACITY_DEFAULT. Queued chunks are
 * charged to their writer's kernel-byte quota (4 MiB by default, SPEC 2): the default
 * capacity holds at most 16 x 64 KiB = 1 MiB. */
#define HB_PIPE_CAPACITY_DEFAULT 16u
#define HB_PIPE_CAPACITY_MAX 1024u

/* hb_fifo_open's `end`. */
#define HB_PIPE_READ 1u
#define HB_PIPE_WRITE 2u
/* The longest fifo name: HB_NAME_MAX less the 5 bytes of ".fifo" (its descriptor's name). */
#define HB_FIFO_NAME_MAX 58

/* How many read ends one task may hold a tail for at once (a tail: the unread rest of a
 * chunk longer than the read that took it). */
#define HB_PIPE_TAILS 4u

/* A new pipe: *read_end its only read end (RECV|TRANSFER: it may be moved, not duplicated),
 * *write_end a write end (SEND|DUP|TRANSFER).
 * Errors: INVALID_ARG (capacity above HB_PIPE_CAPACITY_MAX), FAULT (an out pointer),
 *   NO_MEMORY (port quota or handle table full). */
hb_status_t hb_pipe_create(uint32_t capacity, hb_handle_t *read_end, hb_handle_t *write_end);

/* Reads 1..len bytes into buf: returns as soon as any are there (what is left of a chunk
 * first, else the next chunk, at most len bytes of it). Returns 0 at end of file (every
 * write end closed, or its holder dead, and nothing left), else a negative status:
 *   INVALID_ARG (len 0: 0 means end of file), FAULT (buf NULL, or a buffer the kernel cannot
 *   write: the chunk stays in the pipe), BAD_HANDLE, WRONG_TYPE (not a port), ACCESS (a
 *   write end: no receive right), WOULD_BLOCK (HB_NOWAIT and the pipe empty), TIMED_OUT,
 *   NO_MEMORY (the chunk is longer than len and HB_PIPE_TAILS other read ends of this task
 *   hold tails: the chunk stays in the pipe; read it with len >= its size, or close one). */
int64_t hb_pipe_read(hb_handle_t read_end, void *buf, uint32_t len, hb_time_t timeout);

/* Writes len bytes from buf: returns len once all are in the pipe (blocking while it is
 * full, up to `timeout` for the whole write), else a negative status:
 *   INVALID_ARG (len 0), FAULT (buf NULL or not the task's: nothing written), BAD_HANDLE,
 *   WRONG_TYPE, ACCESS (a read end), PEER_CLOSED (no read end is left), WOULD_BLOCK
 *   (HB_NOWAIT and the pipe full), TIMED_OUT, NO_MEMORY (the writer's kernel-byte quota).
 * A write longer than HB_PIPE_ATOMIC goes in chunks: if one of them fails after others went
 * in, the call returns how many bytes went in (a positive count below len, as POSIX's
 * write() does), and the next call returns the error. */
int64_t hb_pipe_write(hb_handle_t write_end, const void *buf, uint32_t len, hb_time_t timeout);

/* Closes either end (and forgets a read end's tail: those bytes are gone). Closing the last
 * write end is end of file for the reader; closing the read end is HB_ERR_PEER_CLOSED for
 * every writer. Errors: BAD_HANDLE, ACCESS (HB_INBOX). */
hb_status_t hb_pipe_close(hb_handle_t end);

/* ---- named pipes (need the name service, harbor/names.h) ---------------------------- */

/* Makes the named pipe `name` (harbor/names.h name rules, at most HB_FIFO_NAME_MAX bytes): an
 * OS-owned mailbox of that name through which readers and writers meet, and an OS-owned
 * region `name`.fifo holding its capacity (docs/pipes.md, "Named pipes"). Both outlive their
 * creator; hb_name_unregister(name) removes the fifo (the region's name may stay; a new fifo
 * of the same name reuses it).
 * Errors: INVALID_ARG (name; capacity above HB_PIPE_CAPACITY_MAX), FAULT (name pointer),
 *   ALREADY_EXISTS (the name is taken), and the name service's (PEER_CLOSED, BAD_HANDLE,
 *   NO_MEMORY). */
hb_status_t hb_fifo_create(const char *name, uint32_t capacity);

/* Opens an end of the named pipe `name`: `end` is HB_PIPE_READ or HB_PIPE_WRITE. A reader
 * waits (up to `timeout`) until at least one writer opens; a writer waits until a reader is
 * opening. The reader's open starts a new pipe (a session): writers that open while it is
 * opening join it, and it sees end of file when they have all closed; a writer that comes
 * later waits for the next hb_fifo_open(HB_PIPE_READ), as a POSIX server re-opens its FIFO
 * after end of file.
 * Errors: INVALID_ARG (name; end; out NULL; HB_NOWAIT for a writer: a join always waits for
 *   the reader's answer), FAULT, NOT_FOUND (no such fifo, or it was removed while waiting),
 *   WRONG_TYPE (the name is not a fifo), WOULD_BLOCK (a reader with HB_NOWAIT and no writer
 *   waiting), TIMED_OUT, and the name service's (PEER_CLOSED, BAD_HANDLE, NO_MEMORY).
 * A reader killed during its open takes the fifo's descriptor with it: make the fifo again. */
hb_status_t hb_fifo_open(const char *name, uint32_t end, hb_time_t timeout, hb_handle_t *out);

#ifdef __cplusplus
}
#endif

#endif /* HARBOR_PIPE_H */
