// kernel/sys_task.cc - hb_task_spawn, hb_task_wait, hb_task_exit, hb_debug_write.
//
// A task's start-up is itself an IPC: hb_task_spawn queues the `start` message in the
// child's inbox before the child runs its first instruction, so the child's first act is
// an ordinary hb_recv(HB_INBOX, ...).
#include <arch/console.h>
#include <arch/task_hooks.h>
#include <kernel/ipc.h>
#include <kernel/syscalls.h>
#include <kernel/user_copy.h>

namespace kernel::sys {

namespace {

constexpr uint32_t kDebugWriteMax = 4096;

// Reads a NUL-terminated string of at most `cap` bytes (NUL included) without reading past
// the page that holds its terminator: a string at the very end of a mapping is fine.
Status copy_string_in(Task& t, uint64_t user, char* out, uint32_t cap) {
  uint32_t done = 0;
  while (done < cap) {
    uint64_t address = user + done;
    uint32_t chunk = static_cast<uint32_t>(4096 - (address & 4095));
    if (chunk > cap - done) chunk = cap - done;
    TRY(copy_from_user(t, out + done, address, chunk));
    for (uint32_t i = 0; i < chunk; ++i)
      if (out[done + i] == '\0') return {};
    done += chunk;
  }
  return Error::InvalidArg;  // no terminator within HB_IMAGE_NAME_MAX
}

}  // namespace

int64_t task_spawn(Kernel& k, Task& t, uint64_t image, uint64_t start, uint64_t out) {
  char name[HB_IMAGE_NAME_MAX];
  Status read = copy_string_in(t, image, name, sizeof(name));
  if (!read.ok()) return to_status(read.error());
  if (name[0] == '\0') return HB_ERR_INVALID_ARG;
  Result<Message*> prepared =
      start ? prepare_message(t, start, nullptr) : Message::try_create(t, 0);
  if (!prepared.ok()) return to_status(prepared.error());
  Message* message = prepared.value();

  hb_task_id_t id = k.peek_next_task_id();
  Status written = id ? copy_out(t, out, id) : Status(Error::NoMemory);
  Result<Task*> child = written.ok() ? k.new_task(&t) : Result<Task*>(written.error());
  if (!child.ok()) {
    Message::destroy(message);
    return to_status(child.error());
  }
  KASSERT(child.value()->id() == id, "the id we promised");
  Status started = k.start_task(*child.value(), &t, name, UINT32_MAX,
                                reinterpret_cast<const char*>(message->payload()), message->len());
  if (!started.ok()) {
    Message::destroy(message);
    k.forget_new_task(*child.value());
    return to_status(started.error());  // HB_ERR_NOT_FOUND: no such image
  }
  // Commit: the start message and its handles go to the child's inbox. Traced as a send by
  // hb_task_spawn, so that a trace can tell it from a reply (SPEC 4).
  message->commit_handles(t);
  message->m_trace_id = k.trace().next_message_id();
  k.trace().emit(TraceKind::Send, t.id(), HB_SYS_TASK_SPAWN, child.value()->inbox().koid(),
                 message->len(), 0, message->m_trace_id);
  child.value()->inbox().enqueue(*message);  // DOC: start-is-a-message
  ++k.stats().messages_sent;
  return HB_OK;
}

// DOC: task-kill
// hb_task_kill: only the parent may end a child (as only the parent may wait for it). The
// arch ends it as a death from outside, Kernel::task_died(child, -9), at once or, for a task
// running on another core right now, at that core's next kernel entry (x86-64).
int64_t task_kill(Kernel&, Task& t, hb_task_id_t id) {
  Task* child = t.kernel().find_task(id);
  if (!child) return HB_ERR_NOT_FOUND;
  if (child->parent() != t.id()) return HB_ERR_ACCESS;
  if (!child->alive()) return HB_OK;  // exited already: its own code stands
  arch::task_kill(child->context());
  return HB_OK;
}

int64_t task_wait(Kernel& k, Task& t, hb_task_id_t id, uint64_t exit_code, hb_time_t timeout) {
  Task* child = k.find_task(id);
  if (!child) return HB_ERR_NOT_FOUND;
  if (child->parent() != t.id()) return HB_ERR_ACCESS;  // only the parent may wait
  if (!child->alive())
    return k.collect_exit_code(t, *child, exit_code) ? HB_OK : HB_ERR_FAULT;
  if (timeout == HB_NOWAIT) return HB_ERR_WOULD_BLOCK;
  WaitState& w = t.wait();
  w.kind = WaitKind::Child;
  w.child = id;
  w.user_exit_code = exit_code;
  k.block(t, timeout);
  return kBlocked;
}

int64_t task_exit(Kernel& k, Task& t, int32_t code) {
  k.exit_task(t, code);
  return kBlocked;  // never returns to the task: the arch has stopped it
}

int64_t debug_write(Kernel&, Task& t, uint64_t text, uint32_t len) {
  if (len > kDebugWriteMax) return HB_ERR_TOO_BIG;
  char buffer[kDebugWriteMax];
  Status copied = copy_from_user(t, buffer, text, len);
  if (!copied.ok()) return to_status(copied.error());
  arch::console_write(buffer, len);
  return HB_OK;
}

}  // namespace kernel::sys
