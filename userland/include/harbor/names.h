/* harbor/names.h - the name service (SPEC 7): names for handles, across tasks.
 *
 * A task that serves something registers a handle under a name; any other task looks the
 * name up and gets its own handle to the same object. The service is a system task, started
 * by harbor-emu, by Harbor::testing machines and by the bare-metal boot before any user
 * task; every task reaches it through its bootstrap handle HB_NAME_SERVICE (harbor/sys.h).
 * Nothing needs setting up in a program:
 *
 *     hb_handle_t rx, tx;
 *     hb_port_create(HB_PORT_BOUNDED, 8, 0, &rx, &tx);
 *     hb_name_register("echo", tx);                       // server: keeps tx, the service a copy
 *     ...
 *     hb_handle_t echo;
 *     hb_name_lookup("echo", HB_RIGHT_SEND, HB_FOREVER, &echo);   // client: waits for it
 *
 * The library is written on harbor/sys.h alone (userland/lib/names/): every call is one or
 * two hb_call()s to the server; docs/names.md is the reference and tells why it is built so.
 *
 * Names: 1 to HB_NAME_MAX bytes of [A-Za-z0-9._-], NUL-terminated (the NUL within the first
 * HB_NAME_MAX + 1 bytes). Anything else is HB_ERR_INVALID_ARG; a name pointer the task does
 * not own is HB_ERR_FAULT (the library has the kernel copy the name, so a bad pointer is an
 * error status here as in every call of harbor/sys.h, never a crash). NULL is
 * HB_ERR_INVALID_ARG.
 *
 * Every call may also return:
 *   HB_ERR_PEER_CLOSED  the name service is gone (its task died);
 *   HB_ERR_BAD_HANDLE   the machine has no name service (a kernel started without one, e.g.
 *                       the unit-test kernel) - HB_NAME_SERVICE names nothing;
 *   HB_ERR_NO_MEMORY    the caller's own handle table or quota is full (the library makes one
 *                       private port per task, and copies of handles).
 * Out-parameters are meaningful only when the call returns HB_OK.
 */
#ifndef HARBOR_NAMES_H
#define HARBOR_NAMES_H

#include <harbor/sys.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HB_NAME_MAX 63 /* bytes; [A-Za-z0-9._-], else HB_ERR_INVALID_ARG */

/* Registers `h` under `name`. The caller keeps `h`; the service stores a copy with the same
 * rights (so `h` needs HB_RIGHT_DUP and HB_RIGHT_TRANSFER). The name belongs to the caller:
 * only it may unregister it, and it vanishes when the caller exits or dies, or, for a port,
 * when the port dies.
 * Errors: INVALID_ARG (the name), FAULT (name pointer), BAD_HANDLE (h), ACCESS (h lacks
 *   DUP or TRANSFER), ALREADY_EXISTS (the name is taken), PEER_CLOSED (h is a port that is
 *   already dead; or the service is gone), NO_MEMORY (the caller has HB_NAMES_PER_TASK names
 *   already, or the service is full, or the caller's handle table is). */
hb_status_t hb_name_register(const char *name, hb_handle_t h);

/* A new handle to the object registered under `name`, with exactly `rights` (HB_RIGHTS_SAME:
 * the rights it was registered with), in *out. If the name is not there yet, waits up to
 * `timeout` for someone to register it.
 * Errors: INVALID_ARG (the name; `out` NULL; rights bits outside HB_RIGHTS_ALL), FAULT (name
 *   or out pointer), NOT_FOUND (HB_NOWAIT and no such name), TIMED_OUT (the timeout passed
 *   first), ACCESS (`rights` is not a subset of the registered rights), NO_MEMORY (the
 *   service has too many waiting lookups, or the caller's handle table is full). */
hb_status_t hb_name_lookup(const char *name, uint32_t rights, hb_time_t timeout,
                           hb_handle_t *out);

/* Removes `name`; the service closes its copy (handles already looked up keep working).
 * Only the task that registered it may, except OS-owned names (hb_mailbox_open,
 * hb_region_open), which any task may remove.
 * Errors: INVALID_ARG (the name), FAULT (name pointer), NOT_FOUND (no such name), ACCESS
 *   (another task's name). */
hb_status_t hb_name_unregister(const char *name);

/* The textbook's mailbox with a unique id, owned by the OS: created on first open as an
 * HB_PORT_SYSTEM | HB_PORT_SHARED_RECV port of `mode`/`capacity` (ignored when it exists);
 * recv_out and/or send_out may be NULL. The name outlives its creator; any task may
 * hb_name_unregister it. Several tasks may receive from it: the one that has waited longest
 * gets the next message. hb_name_lookup of the name gives its send right.
 * Errors: INVALID_ARG (the name; both outs NULL; mode/capacity, when it is created),
 *   FAULT (name or out pointers), WRONG_TYPE (the name is taken by something that is not a
 *   mailbox), NO_MEMORY (the caller's port quota or handle table, or the service is full). */
hb_status_t hb_mailbox_open(const char *name, uint32_t mode, uint32_t capacity,
                            hb_handle_t *recv_out, hb_handle_t *send_out);

/* The textbook's shm_open: a grant region by name, created with `size` bytes if absent
 * (size 0: open only, HB_ERR_NOT_FOUND if absent); `rights` the handle's rights (a subset of
 * READ|WRITE|MAP|DUP|TRANSFER, else HB_ERR_ACCESS; HB_RIGHTS_SAME: all five). When it exists
 * `size` is ignored. The name outlives its creator; any task may hb_name_unregister it: the
 * lecture's shm_unlink (mappings and handles stay valid, the name is gone).
 * Errors: INVALID_ARG (the name; `out` NULL; size above 256 MiB, when it is created), FAULT
 *   (name or out pointer), NOT_FOUND (size 0 and no such name), ACCESS (rights), WRONG_TYPE
 *   (the name names something that is not a region), NO_MEMORY (the caller's region quota or
 *   handle table, or the service is full). */
hb_status_t hb_region_open(const char *name, uint64_t size, uint32_t rights, hb_handle_t *out);

/* How many names one task may register at once (HB_ERR_NO_MEMORY beyond). */
#define HB_NAMES_PER_TASK 4096

#ifdef __cplusplus
}
#endif

#endif /* HARBOR_NAMES_H */
