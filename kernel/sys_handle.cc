// kernel/sys_handle.cc - hb_handle_close, hb_handle_dup, hb_handle_info, hb_badge_mint.
#include <kernel/syscalls.h>
#include <kernel/port.h>
#include <kernel/reply.h>
#include <kernel/user_copy.h>

namespace kernel::sys {

Status install_and_copy_out(Task& t, Capability& cap, uint64_t out) {
  if (t.handles().free_slots() == 0) return Error::NoMemory;
  TRY(copy_out(t, out, t.handles().peek(0)));
  Result<hb_handle_t> h = t.handles().install(cap);
  KASSERT(h.ok(), "a free slot was checked");
  return {};
}

int64_t handle_close(Kernel&, Task& t, hb_handle_t handle) {
  Result<Capability*> cap = t.handles().lookup(handle);
  if (!cap.ok()) return to_status(cap.error());
  if (handle == HB_INBOX) return HB_ERR_ACCESS;  // the inbox lives as long as its task
  // So does the task's way to the name service (kernel.h, name-service-bootstrap).
  if (handle == HB_NAME_SERVICE && t.has_name_service()) return HB_ERR_ACCESS;
  Capability removed = t.handles().remove(handle);
  capability_drop(removed);  // DOC: close-drops-right
  return HB_OK;
}

int64_t handle_dup(Kernel&, Task& t, hb_handle_t handle, uint32_t rights, uint64_t out) {
  Result<Capability*> found = t.handles().lookup(handle);
  if (!found.ok()) return to_status(found.error());
  Capability& cap = *found.value();
  if (!cap.has(HB_RIGHT_DUP)) return HB_ERR_ACCESS;
  if (rights == HB_RIGHTS_SAME) rights = cap.rights;
  if (rights & ~HB_RIGHTS_ALL) return HB_ERR_INVALID_ARG;
  if ((rights & cap.rights) != rights) return HB_ERR_ACCESS;  // DOC: rights-only-reduce
  if (t.handles().free_slots() == 0) return HB_ERR_NO_MEMORY;
  Capability copy = capability_create(*cap.object, rights, cap.badge);
  Status installed = install_and_copy_out(t, copy, out);
  if (!installed.ok()) {
    capability_drop(copy);
    return to_status(installed.error());
  }
  return HB_OK;
}

int64_t handle_info(Kernel&, Task& t, hb_handle_t handle, uint64_t out) {
  Result<Capability*> found = t.handles().lookup(handle);
  if (!found.ok()) return to_status(found.error());
  const Capability& cap = *found.value();
  hb_handle_info_t info{static_cast<uint32_t>(cap.object->type()), cap.rights, cap.badge, 0, 0};
  // A dead port says so: the name service drops the names of dead ports this way (SPEC 7).
  if (cap.object->type() == ObjectType::Port && static_cast<Port*>(cap.object)->is_dead())
    info.flags |= HB_INFO_PEER_CLOSED;
  // So does a reply whose caller stopped waiting (reply.h (5)): a server holding replies,
  // like the name service's waiting lookups, can free their places without answering.
  if (cap.object->type() == ObjectType::Reply && !static_cast<Reply*>(cap.object)->caller())
    info.flags |= HB_INFO_PEER_CLOSED;
  Status written = copy_out(t, out, info);
  return written.ok() ? HB_OK : to_status(written.error());
}

int64_t badge_mint(Kernel&, Task& t, hb_handle_t handle, uint64_t badge, uint64_t out) {
  Result<Capability*> found =
      t.handles().lookup(handle, ObjectType::Port, HB_RIGHT_SEND | HB_RIGHT_DUP);
  if (!found.ok()) return to_status(found.error());
  Capability& cap = *found.value();
  if (badge == 0) return HB_ERR_INVALID_ARG;  // 0 means "no badge"
  if (cap.badge != 0) return HB_ERR_ACCESS;   // a badge, once minted, is the sender's identity
  if (t.handles().free_slots() == 0) return HB_ERR_NO_MEMORY;
  // The new right has the same rights; its copies keep the badge; it cannot be re-minted.
  Capability minted = capability_create(*cap.object, cap.rights, badge);
  Status installed = install_and_copy_out(t, minted, out);
  if (!installed.ok()) {
    capability_drop(minted);
    return to_status(installed.error());
  }
  return HB_OK;
}

}  // namespace kernel::sys
