/* harbor/abi/syscalls.h - syscall numbers and the register convention.
 *
 * Shared by the kernel's dispatcher (kernel/syscall_dispatch.cc) and the user runtimes
 * (userland/runtime/hosted, userland/runtime/x86_64). A syscall is a number plus up to six
 * 64-bit arguments, in the order of the C function's parameters (pointers as addresses);
 * it returns one int64: >= 0 is success (HB_OK or a value such as hb_task_self's id),
 * < 0 is an HB_ERR_* status.
 */
#ifndef HARBOR_ABI_SYSCALLS_H
#define HARBOR_ABI_SYSCALLS_H

enum hb_syscall_number {
  HB_SYS_PORT_CREATE = 1, /* mode, capacity, flags, recv_out*, send_out* */
  HB_SYS_SEND,            /* port, const hb_msg_out*, flags, timeout */
  HB_SYS_SEND_TASK,       /* task id, const hb_msg_out*, flags, timeout */
  HB_SYS_RECV,            /* port, hb_msg_in*, flags, timeout */
  HB_SYS_CALL,            /* port, const hb_msg_out* req, hb_msg_in* rep, timeout */
  HB_SYS_REPLY,           /* reply, const hb_msg_out* */
  HB_SYS_REPLY_RECV,      /* reply, const hb_msg_out*, port, hb_msg_in* next, timeout */
  HB_SYS_HANDLE_CLOSE,    /* handle */
  HB_SYS_HANDLE_DUP,      /* handle, rights, hb_handle_t* out */
  HB_SYS_HANDLE_INFO,     /* handle, hb_handle_info_t* out */
  HB_SYS_BADGE_MINT,      /* send handle, badge, hb_handle_t* out */
  HB_SYS_REGION_CREATE,   /* size, flags, hb_handle_t* out */
  HB_SYS_REGION_MAP,      /* region, rights, void** addr_out */
  HB_SYS_REGION_UNMAP,    /* addr */
  HB_SYS_REGION_REVOKE,   /* region */
  HB_SYS_SEM_CREATE,      /* initial, max, hb_handle_t* out */
  HB_SYS_SEM_WAIT,        /* sem, timeout */
  HB_SYS_SEM_POST,        /* sem, count */
  HB_SYS_TASK_SPAWN,      /* const char* image, const hb_msg_out* start, hb_task_id_t* out */
  HB_SYS_TASK_WAIT,       /* child id, int32_t* exit_code, timeout */
  HB_SYS_TASK_SELF,       /* -> task id */
  HB_SYS_TASK_EXIT,       /* code; never returns */
  HB_SYS_YIELD,           /* */
  HB_SYS_CLOCK_NS,        /* -> nanoseconds */
  HB_SYS_DEBUG_WRITE,     /* const char* text, len */
  HB_SYS_TASK_KILL,       /* child id */
  HB_SYS_COUNT
};

#define HB_IMAGE_NAME_MAX 256u /* longest image name/path hb_task_spawn accepts, with NUL */

#endif /* HARBOR_ABI_SYSCALLS_H */
