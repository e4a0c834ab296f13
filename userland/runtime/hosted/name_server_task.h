// userland/runtime/hosted/name_server_task.h - the hosted machine's system task.
//
// hosted::MachineOptions::name_server is a function the machine runs, in a fork of its own
// process, as the name server (kernel.h "name-service-bootstrap"). harbor-emu and
// Harbor::testing pass this one. The bare-metal boot runs userland/programs/names.c instead,
// which does the same from its own main.
#pragma once

namespace harbor::runtime {

// Attaches this (forked) process to the task's channel at `channel_fd` and serves names
// (hb_names_serve) on HB_NAME_SERVICE, which in the system task is the receive right of the
// service's port (kernel.h), until the machine ends. Returns only if that fails: 1 without a
// channel or a start message, 2 if the server stopped.
int name_server_task(int channel_fd);

}  // namespace harbor::runtime
