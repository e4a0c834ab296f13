// kernel/task.cc - creating and freeing tasks. Their life and death is in kernel.cc.
#include <kernel/kernel.h>
#include <kernel/lib/kmem.h>
#include <kernel/port.h>
#include <kernel/reply.h>
#include <kernel/task.h>

namespace kernel {

Task::Task(Kernel& kernel, hb_task_id_t id, hb_task_id_t parent, const QuotaLimits& limits)
    : m_kernel(kernel), m_id(id), m_parent(parent), m_quota(limits) {}

Task::~Task() {
  KASSERT(m_inbox == nullptr, "task freed with its inbox");
  KASSERT(m_reply_cache == nullptr, "task freed with its reply object");
  KASSERT(m_handles.used_slots() == 0, "task freed with handles");
  KASSERT(m_quota.all_returned(), "task freed while charged for kernel memory");
}

Result<Task*> Task::try_create(Kernel& kernel, hb_task_id_t id, hb_task_id_t parent,
                               const QuotaLimits& limits, uint32_t inbox_capacity) {
  Task* task = make<Task>(kernel, id, parent, limits);
  if (!task) return Error::NoMemory;
  Status table = task->m_handles.init(limits.handles);
  Result<Port*> inbox = table.ok() ? Port::try_create_inbox(kernel, inbox_capacity)
                                   : Result<Port*>(table.error());
  if (!inbox.ok()) {
    destroy(task);
    return inbox.error();
  }
  task->m_inbox = inbox.value();
  // HB_INBOX is the first handle of every task: slot 1, generation 0.
  Capability cap = capability_create(*task->m_inbox, HB_RIGHT_RECV, 0);
  Result<hb_handle_t> h = task->m_handles.install(cap);
  KASSERT(h.ok() && h.value() == HB_INBOX, "the inbox is handle 1");
  // HB_NAME_SERVICE is the second, once the kernel has a name service (kernel.h (3)).
  const Capability& names = kernel.name_service();
  if (!names.empty()) {
    Capability copy = capability_create(*names.object, HB_RIGHT_SEND | HB_RIGHT_DUP, 0);
    Result<hb_handle_t> n = task->m_handles.install(copy);
    KASSERT(n.ok() && n.value() == HB_NAME_SERVICE, "the name service is handle 2");
    task->m_has_name_service = true;
  }
  return task;
}

void Task::set_name(const char* name) {
  // Hosted, an image is a path: its last part names the task in traces and statistics
  // (the first 31 characters of "/work/.../images/fault" would name nothing).
  const char* base = name;
  for (const char* p = name; p && *p; ++p)
    if (*p == '/' && p[1] != '\0') base = p + 1;
  uint32_t i = 0;
  for (; base && base[i] && i + 1 < sizeof(m_name); ++i) m_name[i] = base[i];
  m_name[i] = '\0';
}

void Task::drop_inbox() {
  if (!m_inbox) return;
  m_inbox->kill();
  m_inbox->release();
  m_inbox = nullptr;
}

void Task::drop_reply_cache() {
  if (!m_reply_cache) return;
  m_reply_cache->release();
  m_reply_cache = nullptr;
}

void Task::free_self() { destroy(this); }

}  // namespace kernel
