/* userland/examples/calc_protocol.h - the messages calc-client and calc-server exchange. */
#ifndef HARBOR_CALC_PROTOCOL_H
#define HARBOR_CALC_PROTOCOL_H

#include <stdint.h>

typedef struct calc_request {
  char op; /* '+', '-', '*' */
  int32_t a;
  int32_t b;
} calc_request;

typedef struct calc_reply {
  int64_t value;
  int32_t ok; /* 0: unknown operation */
} calc_reply;

#endif /* HARBOR_CALC_PROTOCOL_H */
