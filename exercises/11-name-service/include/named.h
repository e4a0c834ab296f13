/* named.h - exercise 11: finding a server by name (harbor/names.h). Do not change it. */
#ifndef NAMED_H
#define NAMED_H

#include <harbor/names.h>
#include <harbor/sys.h>

#include <stdint.h>

/* The server. Makes a port, registers its send right under `name` (hb_name_register keeps
 * your handle and stores a copy), answers `requests` hb_call requests, each with the request's
 * bytes in reverse order, then unregisters the name and closes every handle it made.
 * Returns 0 or the first failing status. */
int named_server(const char *name, int requests);

/* The client. Looks `name` up with HB_RIGHT_SEND, waiting up to `timeout` for it to appear,
 * calls it once with the text `request` (strlen bytes), copies the answer into `answer`
 * (NUL-terminated, at most cap - 1 bytes), and closes the handle it got.
 * Returns 0, HB_ERR_TIMED_OUT when the name did not appear in time, or another status. */
int named_client(const char *name, const char *request, char *answer, uint32_t cap,
                 hb_time_t timeout);

#endif
