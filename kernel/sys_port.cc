// kernel/sys_port.cc - hb_port_create.
#include <kernel/port.h>
#include <kernel/syscalls.h>
#include <kernel/user_copy.h>

namespace kernel::sys {

int64_t port_create(Kernel& k, Task& t, uint32_t mode, uint32_t capacity, uint32_t flags,
                    uint64_t recv_out, uint64_t send_out) {
  // Decode: two free slots, both out pointers writable (we write the handle numbers the
  // install will produce before creating anything).
  if (recv_out == send_out) return HB_ERR_INVALID_ARG;
  if (t.handles().free_slots() < 2) return HB_ERR_NO_MEMORY;
  hb_handle_t recv_handle = t.handles().peek(0);
  hb_handle_t send_handle = t.handles().peek(1);
  Result<Port*> created = Port::try_create(k, &t, mode, capacity, flags);
  if (!created.ok()) return to_status(created.error());
  Port* port = created.value();
  // Out-parameters are written only on success: remember what was there, and put it back
  // if the second write faults after the first one went through.
  hb_handle_t old_recv = 0;
  Status written = copy_in(t, old_recv, recv_out);
  if (written.ok()) written = copy_out(t, recv_out, recv_handle);
  if (written.ok()) {
    written = copy_out(t, send_out, send_handle);
    if (!written.ok()) (void)copy_out(t, recv_out, old_recv);
  }
  if (!written.ok()) {
    port->release();  // never had a handle: freed, and the quota returned
    return to_status(written.error());
  }
  // Commit.
  Capability recv = capability_create(*port, port->recv_rights_for_new_handle(), 0);
  Capability send = capability_create(*port, Port::kSendRights, 0);
  port->release();  // the capabilities hold the port now
  Result<hb_handle_t> r = t.handles().install(recv);
  Result<hb_handle_t> s = t.handles().install(send);
  KASSERT(r.ok() && s.ok() && r.value() == recv_handle && s.value() == send_handle,
          "port handles as promised");
  return HB_OK;
}

}  // namespace kernel::sys
