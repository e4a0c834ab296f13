/* userland/lib/names/protocol.h - the name service's wire format: one request and one reply
 * per operation, each a fixed layout of little-endian fields (the marshaling lesson; SPEC 8
 * later generates the same kind of code from an .hbidl file).
 *
 * Every request is an hb_call to HB_NAME_SERVICE; the first 4 bytes say which operation.
 * Offsets and sizes in bytes; u32/u64 little-endian; name = the name's bytes, then NUL
 * bytes up to 64 (so a valid name ends with at least one NUL inside the field).
 *
 *   REGISTER  request, 72 bytes                 handles: [object] or [object, lifeline]
 *     0   4  op = HB_NAMES_OP_REGISTER
 *     4   4  reserved, 0
 *     8  64  name
 *   LOOKUP    request, 80 bytes                 handles: none
 *     0   4  op = HB_NAMES_OP_LOOKUP
 *     4   4  rights (HB_RIGHT_* mask, or HB_RIGHTS_SAME)
 *     8   8  timeout, ns (HB_NOWAIT, HB_FOREVER or relative)
 *    16  64  name
 *   UNREGISTER request, 72 bytes                handles: none
 *     0   4  op = HB_NAMES_OP_UNREGISTER
 *     4   4  reserved, 0
 *     8  64  name
 *   OPEN      request, 80 bytes                 handles: none (open an existing name), or the
 *     0   4  op = HB_NAMES_OP_OPEN              object made by the client to store if the name
 *     4   4  kind: HB_NAMES_KIND_MAILBOX or     is still free: mailbox [send, recv], region
 *              HB_NAMES_KIND_REGION             [region]
 *     8   4  rights (region; mailbox: 0)
 *    12   4  reserved, 0
 *    16  64  name
 *
 *   STATS     request, 8 bytes                  handles: none
 *     0   4  op = HB_NAMES_OP_STATS             (what the server holds: for tests, and for
 *     4   4  reserved, 0                         anyone curious; its reply is 24 bytes)
 *
 *   reply (every operation), 8 bytes           handles: LOOKUP [object] on HB_OK;
 *     0   4  status (i32: HB_OK, HB_ERR_*,     OPEN [send, recv] (mailbox) or [region] on HB_OK
 *              or HB_NAMES_NEED_LIFELINE)
 *     4   4  reserved, 0
 *   STATS reply, 24 bytes: the 8 above, then
 *     8   4  names        names registered or opened now
 *    12   4  owners       tasks the server holds a lifeline of
 *    16   4  waiters      lookups waiting for a name
 *    20   4  held         handles the server holds for all of these (one per name, two per
 *                         mailbox, one per owner and per waiter): its handle table holds
 *                         exactly this many more than when it started, or it leaks
 *
 * Handles the server hands out carry the asked rights plus DUP and TRANSFER (a handle without
 * TRANSFER could not travel in the reply); the client narrows them to exactly what was asked.
 * A REGISTER from a task the server holds no lifeline of must carry one (its second handle),
 * else the reply is HB_NAMES_NEED_LIFELINE and the client sends the request again with one:
 * see server.h, "Lifelines".
 */
#ifndef HARBOR_NAMES_PROTOCOL_H
#define HARBOR_NAMES_PROTOCOL_H

#include <stdint.h>

#define HB_NAMES_OP_REGISTER 1u
#define HB_NAMES_OP_LOOKUP 2u
#define HB_NAMES_OP_UNREGISTER 3u
#define HB_NAMES_OP_OPEN 4u
#define HB_NAMES_OP_STATS 5u

#define HB_NAMES_KIND_MAILBOX 1u
#define HB_NAMES_KIND_REGION 2u

#define HB_NAMES_NAME_FIELD 64u /* HB_NAME_MAX + 1: room for the NUL */

#define HB_NAMES_REGISTER_LEN 72u
#define HB_NAMES_LOOKUP_LEN 80u
#define HB_NAMES_UNREGISTER_LEN 72u
#define HB_NAMES_OPEN_LEN 80u
#define HB_NAMES_REPLY_LEN 8u
#define HB_NAMES_STATS_LEN 8u
#define HB_NAMES_STATS_REPLY_LEN 24u
#define HB_NAMES_REQUEST_MAX 80u

/* Offsets of the name field. */
#define HB_NAMES_REGISTER_NAME 8u
#define HB_NAMES_LOOKUP_NAME 16u
#define HB_NAMES_UNREGISTER_NAME 8u
#define HB_NAMES_OPEN_NAME 16u

/* Reply status that never reaches a user: "send your lifeline with this request". */
#define HB_NAMES_NEED_LIFELINE 1

/* Explicit little-endian: the layout is the same whatever the CPU (a lesson, and what a
 * bridge between machines of other byte orders would need). */
static inline void hb_names_put_u32(uint8_t *at, uint32_t v) {
  at[0] = (uint8_t)v;
  at[1] = (uint8_t)(v >> 8);
  at[2] = (uint8_t)(v >> 16);
  at[3] = (uint8_t)(v >> 24);
}

static inline uint32_t hb_names_get_u32(const uint8_t *at) {
  return (uint32_t)at[0] | (uint32_t)at[1] << 8 | (uint32_t)at[2] << 16 |
         (uint32_t)at[3] << 24;
}

static inline void hb_names_put_u64(uint8_t *at, uint64_t v) {
  hb_names_put_u32(at, (uint32_t)v);
  hb_names_put_u32(at + 4, (uint32_t)(v >> 32));
}

static inline uint64_t hb_names_get_u64(const uint8_t *at) {
  return (uint64_t)hb_names_get_u32(at) | (uint64_t)hb_names_get_u32(at + 4) << 32;
}

#endif /* HARBOR_NAMES_PROTOCOL_H */
