// greeter.h - the program under test: a server that answers every request "NAME" with
// "hello NAME".
#pragma once

#include <harbor/sys.h>

// Serves `requests` requests received on `port` (a receive right), or, when `requests` is
// negative, until no sender is left. Returns 0, or 1 if a receive failed, 2 if a reply did.
int greeter_serve(hb_handle_t port, int requests);
