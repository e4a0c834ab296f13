/* harbor/sys.h - the Harbor C ABI (SPEC section 3).
 *
 * Every user program, hosted or on bare metal, talks to the kernel through the
 * functions below and nothing else. The same header is read by the kernel core
 * (kernel/) so that both sides agree on every constant and structure layout.
 *
 * Conventions:
 *  - every fallible call returns an hb_status_t: HB_OK (0) or a negative HB_ERR_*;
 *  - out-parameters are written only when the call returns HB_OK;
 *  - a failed call leaves the kernel exactly as it was before the call.
 */
#ifndef HARBOR_SYS_H
#define HARBOR_SYS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t hb_status_t;  /* HB_OK or a negative HB_ERR_* */
typedef int32_t hb_handle_t;  /* task-local handle; HB_INVALID is never a valid one */
typedef uint64_t hb_task_id_t; /* kernel task id, never reused while the kernel runs */
typedef uint64_t hb_time_t;   /* nanoseconds: HB_NOWAIT, HB_FOREVER or a relative timeout */

/* ---- status codes ------------------------------------------------------- */
#define HB_OK 0
#define HB_ERR_BAD_HANDLE (-1)      /* the number names no handle of this task */
#define HB_ERR_ACCESS (-2)          /* the handle lacks a right the operation needs */
#define HB_ERR_WOULD_BLOCK (-3)     /* HB_NOWAIT and the operation would have to wait */
#define HB_ERR_TIMED_OUT (-4)       /* the relative timeout passed */
#define HB_ERR_PEER_CLOSED (-5)     /* the other side is gone (port dead, no senders, ...) */
#define HB_ERR_NO_MEMORY (-6)       /* a quota or the kernel's memory is exhausted */
#define HB_ERR_TOO_BIG (-7)         /* more than HB_MSG_MAX bytes or HB_MSG_HANDLES_MAX handles */
#define HB_ERR_FAULT (-8)           /* a user pointer the task does not own */
#define HB_ERR_INVALID_ARG (-9)     /* an argument out of its range */
#define HB_ERR_BUFFER_TOO_SMALL (-10) /* the message stays queued; len/handle_count say why */
#define HB_ERR_NOT_FOUND (-11)      /* no such task, image or mapping */
#define HB_ERR_WRONG_TYPE (-12)     /* the handle names another kind of object */
#define HB_ERR_ALREADY_EXISTS (-13) /* the name is taken (name service, SPEC 7) */

/* ---- handles and rights ------------------------------------------------- */
#define HB_INVALID 0
#define HB_INBOX 1 /* every task's own inbox: a bounded port it owns */
/* Every task's send right to the name service (harbor/names.h): the port of the system task
 * that harbor-emu and the bare-metal boot start before anyone else. HB_ERR_BAD_HANDLE on a
 * machine started without one (unit-test kernels). Like HB_INBOX it cannot be closed. */
#define HB_NAME_SERVICE 2

#define HB_RIGHT_SEND (1u << 0)
#define HB_RIGHT_RECV (1u << 1)
#define HB_RIGHT_DUP (1u << 2)
#define HB_RIGHT_TRANSFER (1u << 3)
#define HB_RIGHT_READ (1u << 4)
#define HB_RIGHT_WRITE (1u << 5)
#define HB_RIGHT_MAP (1u << 6)
#define HB_RIGHT_MANAGE (1u << 7)
#define HB_RIGHTS_ALL 0xffu
/* hb_handle_dup: keep exactly the rights the handle has. */
#define HB_RIGHTS_SAME 0xffffffffu

/* Kinds of kernel object, as reported by hb_handle_info. */
#define HB_OBJ_PORT 1
#define HB_OBJ_REPLY 2
#define HB_OBJ_REGION 3
#define HB_OBJ_SEMAPHORE 4

/* hb_handle_info_t.flags */
#define HB_INFO_PEER_CLOSED (1u << 0) /* a port that died (its owner exited, its receive right
                                         closed): every send through it is HB_ERR_PEER_CLOSED;
                                         or a reply capability whose caller stopped waiting
                                         (timed out, died): hb_reply would be PEER_CLOSED */

typedef struct hb_handle_info_t {
  uint32_t type;   /* HB_OBJ_* */
  uint32_t rights; /* HB_RIGHT_* mask */
  uint64_t badge;  /* badge of a send right, 0 if none */
  uint32_t flags;  /* HB_INFO_* */
  uint32_t reserved;
} hb_handle_info_t;

/* ---- ports -------------------------------------------------------------- */
#define HB_PORT_RENDEZVOUS 0 /* capacity 0: sender and receiver meet */
#define HB_PORT_BOUNDED 1    /* capacity n >= 1: sender blocks when full */
#define HB_PORT_UNBOUNDED 2  /* sender never blocks; limited by the sender's quota */

#define HB_PORT_SYSTEM (1u << 0)      /* owned by the kernel: survives its creator */
#define HB_PORT_SHARED_RECV (1u << 1) /* receive right may be duplicated (system ports only) */

/* ---- messages ----------------------------------------------------------- */
#define HB_MSG_MAX 65536u
#define HB_MSG_HANDLES_MAX 16u

#define HB_SEND_SYNC (1u << 0) /* return only once a receiver has taken the message */
#define HB_RECV_FROM (1u << 0) /* receive only from in->sender (symmetric naming) */

typedef struct hb_msg_out {
  const void *data;
  uint32_t len;
  uint32_t handle_count;
  const hb_handle_t *handles; /* moved into the message when the send succeeds */
} hb_msg_out;

typedef struct hb_msg_in {
  /* in */
  void *data;
  uint32_t cap;
  uint32_t handle_cap;
  hb_handle_t *handles;
  /* out (also in: sender, with HB_RECV_FROM) */
  uint32_t len;
  uint32_t handle_count;
  hb_task_id_t sender;
  uint64_t badge;
  hb_handle_t reply; /* a reply capability from hb_call, or HB_INVALID */
  uint32_t reserved;
} hb_msg_in;

#define HB_NOWAIT ((hb_time_t)0)
#define HB_FOREVER (~(hb_time_t)0)

/* ---- the calls ---------------------------------------------------------- */
hb_status_t hb_port_create(uint32_t mode, uint32_t capacity, uint32_t flags,
                           hb_handle_t *recv_out, hb_handle_t *send_out);
hb_status_t hb_send(hb_handle_t port, const hb_msg_out *m, uint32_t flags, hb_time_t timeout);
hb_status_t hb_send_task(hb_task_id_t task, const hb_msg_out *m, uint32_t flags,
                         hb_time_t timeout);
hb_status_t hb_recv(hb_handle_t port, hb_msg_in *m, uint32_t flags, hb_time_t timeout);
hb_status_t hb_call(hb_handle_t port, const hb_msg_out *req, hb_msg_in *rep, hb_time_t timeout);
hb_status_t hb_reply(hb_handle_t reply, const hb_msg_out *m);
hb_status_t hb_reply_recv(hb_handle_t reply, const hb_msg_out *m, hb_handle_t port,
                          hb_msg_in *next, hb_time_t timeout);
hb_status_t hb_handle_close(hb_handle_t h);
hb_status_t hb_handle_dup(hb_handle_t h, uint32_t rights, hb_handle_t *out);
hb_status_t hb_handle_info(hb_handle_t h, hb_handle_info_t *out); /* type, rights */
hb_status_t hb_badge_mint(hb_handle_t send, uint64_t badge, hb_handle_t *out);
hb_status_t hb_region_create(uint64_t size, uint32_t flags, hb_handle_t *out);
hb_status_t hb_region_map(hb_handle_t region, uint32_t rights, void **addr_out);
hb_status_t hb_region_unmap(void *addr);
hb_status_t hb_region_revoke(hb_handle_t region);
hb_status_t hb_sem_create(uint32_t initial, uint32_t max, hb_handle_t *out);
hb_status_t hb_sem_wait(hb_handle_t sem, hb_time_t timeout);
hb_status_t hb_sem_post(hb_handle_t sem, uint32_t count);
hb_status_t hb_task_spawn(const char *image, const hb_msg_out *start, hb_task_id_t *out);
hb_status_t hb_task_wait(hb_task_id_t child, int32_t *exit_code, hb_time_t timeout);
/* Ends a child of the caller as if it was killed (SIGKILL hosted): everything it held is
 * reclaimed, its peers see HB_ERR_PEER_CLOSED, and hb_task_wait reports -9. A child that has
 * already exited is left as it is (HB_OK: its wait reports its own code). HB_ERR_NOT_FOUND
 * for an unknown or collected id, HB_ERR_ACCESS for a task that is not the caller's child. */
hb_status_t hb_task_kill(hb_task_id_t child); /* parent only; the child's wait reports -9 */
hb_task_id_t hb_task_self(void);
void hb_task_exit(int32_t code) __attribute__((noreturn)); /* never returns */
hb_status_t hb_yield(void);
hb_time_t hb_clock_ns(void);
hb_status_t hb_debug_write(const char *text, uint32_t len); /* console */
const char *hb_strerror(hb_status_t s);

#ifdef __cplusplus
}
#endif

#endif /* HARBOR_SYS_H */
