// tests/hbidl/types_server.h - the server of types.hbidl that every hbidl test talks to: it
// echoes what it gets, fails on request, waits, or dies, so that a test sees the generated
// client and server on both sides of a real call.
#pragma once

#include "types_rpc.h"

// The ops table of the echo server; ctx is unused (nullptr).
const types_ops& types_echo_ops();

// Serves `port` with types_echo_ops until no client is left; returns types_serve's status.
hb_status_t types_echo_serve(hb_handle_t port);
