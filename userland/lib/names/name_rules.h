/* userland/lib/names/name_rules.h - what a valid name is (harbor/names.h), in one place for
 * the client (which checks before asking) and the server (which never trusts the client).
 *
 * A name is 1 to HB_NAME_MAX (63) bytes of [A-Za-z0-9._-] followed by a NUL. No '/' (names
 * are flat, not paths), no '@' (kept for "name@node" of SPEC 9), no spaces or control bytes
 * (a name is printed in traces and reports as it is).
 */
#ifndef HARBOR_NAMES_NAME_RULES_H
#define HARBOR_NAMES_NAME_RULES_H

#include <stdint.h>

static inline int hb_names_valid_byte(uint8_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '_' || c == '-';
}

/* The length of the name in bytes[0..cap) (1..63), or -1 if it is not a valid name: empty,
 * a byte outside the set, or no NUL within the first min(cap, 64) bytes. */
static inline int32_t hb_names_name_length(const uint8_t *bytes, uint32_t cap) {
  uint32_t limit = cap < 64u ? cap : 64u;
  for (uint32_t i = 0; i < limit; ++i) {
    if (bytes[i] == 0) return i == 0 ? -1 : (int32_t)i;
    if (!hb_names_valid_byte(bytes[i])) return -1;
  }
  return -1; /* no NUL: 64 or more bytes, or cut short */
}

#endif /* HARBOR_NAMES_NAME_RULES_H */
