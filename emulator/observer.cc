// emulator/observer.cc - see observer.h.
#include "observer.h"

#include "examples_dir.h"

#include <hosted/region_cache.h>
#include <kernel/grant_region.h>
#include <kernel/kernel.h>
#include <kernel/port.h>
#include <kernel/semaphore.h>
#include <kernel/task.h>

#include <chrono>

namespace emu {

namespace {
constexpr auto kPollInterval = std::chrono::milliseconds(5);  // a ring holds 4096 records a core
}

Observer::Observer(hosted::Machine& machine) : m_machine(machine) {
  m_machine.set_task_start_sink([this](kernel::Task& t) {
    if (t.id() == kernel::Kernel::kSystemTaskId) return;  // the name server (see poll)
    t.retain();
    t.inbox().retain();
    std::lock_guard<std::mutex> lock(m_started_mutex);
    m_started.push_back({&t, &t.inbox()});
  });
}

Observer::~Observer() { finish(); }

void Observer::start() {
  m_thread = std::thread([this] {
    std::unique_lock<std::mutex> lock(m_mutex);
    while (!m_stop) {
      m_stop_cv.wait_for(lock, kPollInterval, [this] { return m_stop; });
      if (m_stop) break;
      lock.unlock();
      poll();
      lock.lock();
    }
  });
}

void Observer::poll() {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_finished) return;
  std::vector<kernel::TraceRecord> batch;
  // The name server's own records stay out of traces and statistics: it is the system's
  // daemon, not one of the program's tasks (a task's calls to it are in the trace, under
  // the task). Kernel::kSystemTaskId is the one system task.
  m_machine.drain_trace([&](const kernel::TraceRecord& r) {
    if (r.task != kernel::Kernel::kSystemTaskId) batch.push_back(r);
  });
  for (const kernel::TraceRecord& r : batch) m_names.note_record(r);
  sort_by_sequence(batch);  // drained oldest first per core; DeathWatch reads them in order
  if (!batch.empty() && !m_records.empty() && batch.front().sequence < m_records.back().sequence)
    m_sorted = false;
  m_records.insert(m_records.end(), batch.begin(), batch.end());
  const std::vector<DeathWatch::Death> deaths = m_deaths.feed(batch);
  std::vector<std::string> lines;
  m_machine.with_kernel([&](kernel::Kernel& k) {
    poll_locked_kernel(k);
    if (m_death_out)
      for (const DeathWatch::Death& d : deaths)
        lines.push_back(death_line(d.task, who_died(k, d), d.signal));
  });
  for (const std::string& line : lines) *m_death_out << line << std::endl;
}

std::string Observer::who_died(kernel::Kernel& k, const DeathWatch::Death& death) {
  auto named = m_names.tasks.find(death.task);
  if (named != m_names.tasks.end()) return named->second;
  // A child that lived less than a poll: if its parent has not collected it yet, the kernel
  // still knows its name.
  if (kernel::Task* t = k.find_task(death.task)) return base_name(t->name());
  if (death.parent != 0) return "child of " + m_names.task(death.parent);
  return "";
}

int Observer::killed_by(hb_task_id_t id, int32_t code) {
  std::lock_guard<std::mutex> lock(m_mutex);
  int signal = 0;
  switch (m_deaths.end_of(id, &signal)) {
    case DeathWatch::End::Killed: return signal;
    case DeathWatch::End::Exited: return 0;
    case DeathWatch::End::Unknown: break;
  }
  return code < 0 && code >= -64 ? -code : 0;
}

// Kernel lock held.
void Observer::poll_locked_kernel(kernel::Kernel& k) {
  std::vector<std::pair<kernel::Task*, kernel::Port*>> started;
  {
    std::lock_guard<std::mutex> lock(m_started_mutex);
    started.swap(m_started);
  }
  for (auto [t, inbox] : started) {  // in the order they started
    adopt_task(*t, inbox);
    t->release();  // the sink's references (adopt_task took its own)
    inbox->release();
  }
  k.for_each_task([this](kernel::Task& t) {
    if (t.id() == kernel::Kernel::kSystemTaskId) return;  // the name server (see poll)
    if (t.alive()) adopt_task(t, &t.inbox());
  });
}

void Observer::adopt_task(kernel::Task& t, kernel::Port* inbox) {
  auto [it, added] = m_tasks.emplace(t.id(), &t);
  if (!added) return;
  // DOC: emu-stats-retain-tasks
  t.retain();  // keep its statistics readable after it is reaped
  auto named = m_scenario_names.find(t.id());
  // The kernel names a task after its image path (cut to 31 characters): keep the file.
  const std::string name = named != m_scenario_names.end() ? named->second : base_name(t.name());
  m_names.tasks[t.id()] = name;
  if (m_port_seen.emplace(inbox, true).second) {
    inbox->retain();
    m_inboxes[t.id()] = m_ports.size();
    m_ports.emplace_back(inbox, "");
    label_inbox(t.id());
  }
}

void Observer::label_inbox(hb_task_id_t id) {
  auto it = m_inboxes.find(id);
  if (it == m_inboxes.end()) return;
  auto& [port, label] = m_ports[it->second];
  label = "inbox of " + m_names.task(id);
  m_names.objects[port->koid()] = label;
}

void Observer::name_task(hb_task_id_t id, const std::string& name) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_scenario_names[id] = name;
  m_names.tasks[id] = name;
  m_machine.with_kernel([&](kernel::Kernel& k) {
    if (kernel::Task* t = k.find_task(id)) t->set_name(name.c_str());
    poll_locked_kernel(k);  // retain it and its inbox now: it may be gone by the next poll
  });
  label_inbox(id);  // the poller may have seen it first, under the kernel's name
}

void Observer::name_port(const kernel::Capability& port, const std::string& name) {
  if (port.empty() || port.object->type() != kernel::ObjectType::Port) return;
  std::lock_guard<std::mutex> lock(m_mutex);
  auto* p = static_cast<kernel::Port*>(port.object);
  const std::string label = "port " + name;
  m_names.objects[p->koid()] = label;
  if (!m_port_seen.emplace(p, true).second) return;
  m_machine.with_kernel([&](kernel::Kernel&) { p->retain(); });
  m_ports.emplace_back(p, label);
}

void Observer::name_object(const kernel::Capability& object, const std::string& label) {
  if (object.empty()) return;
  const kernel::ObjectType type = object.object->type();
  if (type != kernel::ObjectType::Region && type != kernel::ObjectType::Semaphore) return;
  std::lock_guard<std::mutex> lock(m_mutex);
  m_names.objects[object.object->koid()] = label;
  for (const auto& [o, l] : m_objects)
    if (o == object.object) return;
  m_machine.with_kernel([&](kernel::Kernel&) { object.object->retain(); });
  m_objects.emplace_back(object.object, label);
}

std::vector<kernel::TraceRecord> Observer::records() {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (!m_sorted) {
    sort_by_sequence(m_records);
    m_sorted = true;
  }
  std::vector<kernel::TraceRecord> out = m_records;
  attribute_syscalls(out);
  return out;
}

size_t Observer::record_count() {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_records.size();
}

TraceNames Observer::names() {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_names;
}

uint64_t Observer::lost() {
  uint64_t lost = 0;
  m_machine.with_kernel([&](kernel::Kernel& k) { lost = k.trace().lost(); });
  return lost;
}

void Observer::finish() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_finished) return;
    m_stop = true;
  }
  m_stop_cv.notify_all();
  if (m_thread.joinable()) m_thread.join();
  m_machine.set_task_start_sink(nullptr);  // tasks started from now on are not ours to see
  poll();  // (also takes in those the sink stashed)
  std::lock_guard<std::mutex> lock(m_mutex);
  m_report.cores = m_machine.cores();
  m_machine.with_kernel([this](kernel::Kernel& k) { read_stats(k); });
  m_finished = true;
}

// Kernel lock held: copy the statistics out, then let go of every object we kept alive.
void Observer::read_stats(kernel::Kernel& k) {
  for (auto& [id, t] : m_tasks) {
    TaskStats s;
    s.id = id;
    s.parent = t->parent();
    s.name = m_names.tasks[id];
    s.core = t->core();
    s.alive = t->alive();
    s.exit_code = t->exit_code();
    s.syscalls = t->stats_syscalls;
    s.sent = t->stats_sent;
    s.received = t->stats_received;
    s.blocks = t->stats_blocks;
    m_report.tasks.push_back(std::move(s));
    t->release();
  }
  m_tasks.clear();
  for (auto& [p, label] : m_ports) {
    PortStats s;
    s.koid = p->koid();
    s.label = label;
    s.mode = p->mode();
    s.capacity = p->capacity();
    s.sent = p->stats_sent;
    s.received = p->stats_received;
    s.max_depth = p->stats_max_depth;
    s.queued = p->queued();
    s.dead = p->is_dead();
    m_report.ports.push_back(std::move(s));
    p->release();
  }
  m_ports.clear();
  m_inboxes.clear();
  for (auto& [o, label] : m_objects) {
    ObjectStats s;
    s.koid = o->koid();
    s.label = label;
    if (o->type() == kernel::ObjectType::Region) {
      auto* region = static_cast<kernel::GrantRegion*>(o);
      s.kind = ObjectStats::Kind::Region;
      s.size = region->size();
      s.mappings = region->mapping_count();
      s.revoked = region->revoked();
      s.maps = region->stats_maps;
      s.unmaps = region->stats_unmaps;
      s.revokes = region->stats_revokes;
    } else {
      auto* sem = static_cast<kernel::Semaphore*>(o);
      s.kind = ObjectStats::Kind::Semaphore;
      s.count = sem->count();
      s.max = sem->max();
      s.posts = sem->stats_posts;
      s.waits = sem->stats_waits;
      s.blocks = sem->stats_blocks;
    }
    m_report.objects.push_back(std::move(s));
    o->release();
  }
  m_objects.clear();
  // Last: our references no longer count among the kernel's live objects.
  m_report.kernel = k.stats_total();
  // The name server is the system's, not the program's (see poll): its own part is left out
  // of the kernel's totals as of the tables (its requests still count as messages received).
  if (const kernel::Task* names = k.find_task(kernel::Kernel::kSystemTaskId)) {
    kernel::KernelStats& total = m_report.kernel;
    total.tasks_created -= total.tasks_created ? 1 : 0;
    total.tasks_alive -= names->alive() && total.tasks_alive ? 1 : 0;
    total.syscalls -= names->stats_syscalls <= total.syscalls ? names->stats_syscalls : 0;
    total.blocks -= names->stats_blocks <= total.blocks ? names->stats_blocks : 0;
  }
  m_report.trace_lost = k.trace().lost();
  if (k.caches().enabled())
    for (uint32_t core = 0; core < m_report.cores && core < arch::kMaxCores; ++core)
      m_report.caches.push_back(k.caches().stats(core));
  // The hosted region-memory caches (hosted/region_cache.h), on with the same switch; they
  // are the process's, and harbor-emu runs one machine: these are the run's counts.
  if (k.config().per_core_caches)
    for (uint32_t core = 0; core < m_report.cores && core < arch::kMaxCores; ++core)
      m_report.region_caches.push_back(hosted::region_cache().stats(core));
}

}  // namespace emu
