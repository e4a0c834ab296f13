// userland/lib/names/server.h - the name server task's entry point (SPEC 7).
//
// The bootstrap (harbor-emu, Harbor::testing machines, the bare-metal boot) starts one task
// before any user task, gives it the receive right of a port as handle 0 of its start message
// and every other task a send right to that port as HB_NAME_SERVICE; that task calls
//
//     hb_names_serve(port);
//
// which serves requests (protocol.h) until nobody can send any more. What it does with each
// is in name_server.h; docs/names.md tells the story.
#pragma once

#include <harbor/sys.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Serves the name service on `port` (a receive right). Returns only when the port says that
 * no sender is left (HB_ERR_PEER_CLOSED, every task is gone) or when `port` is not a receive
 * right (HB_ERR_BAD_HANDLE, HB_ERR_WRONG_TYPE, HB_ERR_ACCESS). Malformed requests never end
 * it: they get an error reply, or are dropped when they came without a reply capability. */
hb_status_t hb_names_serve(hb_handle_t port);

#ifdef __cplusplus
}
#endif
