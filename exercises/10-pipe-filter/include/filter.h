/* filter.h - exercise 10: a filter between two pipes (`producer | upper | consumer`).
 * Do not change this file. */
#ifndef FILTER_H
#define FILTER_H

#include <harbor/pipe.h>
#include <harbor/sys.h>

#include <stdint.h>

/* Reads bytes from the pipe `in` (a read end) until end of file, and writes each byte to the
 * pipe `out` (a write end), with the letters a..z turned into A..Z, in order, nothing lost.
 * Then closes both ends (closing `out` is what tells the next program the input ended).
 * Returns how many bytes it copied, or a negative status: when nobody reads `out` any more,
 * hb_pipe_write says HB_ERR_PEER_CLOSED: close both ends and return it (do not hang, do not
 * spin). */
int64_t upper_filter(hb_handle_t in, hb_handle_t out);

#endif
