// arch/hosted/region_cache.cc - per-core magazines of memfds in front of a pool (see
// hosted/region_cache.h). The shape of kernel/kmem_cache.cc, line for line where it can be.
#include <hosted/region_cache.h>

#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <utility>

namespace hosted {

namespace {

constexpr uint64_t kClassSizes[RegionCache::kClasses] = {4ull << 10,   16ull << 10, 64ull << 10,
                                                         256ull << 10, 1ull << 20,  4ull << 20};

enum class Event { Hit, Miss, Refill, Flush };

// Kinds of their own (not CacheHit...): those count message buffers in every exporter.
void emit(kernel::Trace* trace, Event event, hb_task_id_t task, uint32_t size_class) {
  if (!trace) return;
  using kernel::TraceKind;
  TraceKind kind = event == Event::Hit      ? TraceKind::RegionCacheHit
                   : event == Event::Miss   ? TraceKind::RegionCacheMiss
                   : event == Event::Refill ? TraceKind::RegionCacheRefill
                                            : TraceKind::RegionCacheFlush;
  trace->emit(kind, task, 0, 0, static_cast<int64_t>(kClassSizes[size_class]));
}

int make_memfd(uint64_t size) {
  int fd = memfd_create("harbor-region", MFD_CLOEXEC);
  if (fd < 0) return -1;
  if (ftruncate(fd, static_cast<off_t>(size)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// (C2) Every page goes: the memory is freed, and the file reads as zeros again. Cheaper than
// ftruncate(0) + ftruncate(size) and far cheaper than a new memfd (docs/shared-memory.md).
bool punch_out(int fd, uint64_t file_size) {
  return fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
                   static_cast<off_t>(file_size)) == 0;
}

}  // namespace

uint32_t RegionCache::class_of(uint64_t size) {
  for (uint32_t c = 0; c < kClasses; ++c)
    if (size <= kClassSizes[c]) return c;
  return kClasses;
}

uint64_t RegionCache::class_size(uint32_t size_class) { return kClassSizes[size_class]; }

RegionCache::~RegionCache() { trim(); }

RegionCache::Memfd RegionCache::alloc(uint32_t core, uint64_t size, kernel::Trace* trace,
                                      hb_task_id_t task) {
  uint32_t c = class_of(size);
  PerCore& me = m_cores[core];
  std::lock_guard<std::mutex> core_guard(me.mutex);
  if (c == kClasses) {
    ++me.stats.bypassed;
    return Memfd{make_memfd(size), size};
  }
  Magazine& magazine = me.magazines[c];
  RegionCacheStats& stats = me.stats;
  if (magazine.count > 0) {  // the common path: this core's own magazine
    ++stats.hits;
    emit(trace, Event::Hit, task, c);
    return Memfd{magazine.fds[--magazine.count], kClassSizes[c]};
  }
  ++stats.misses;
  emit(trace, Event::Miss, task, c);
  // Refill a batch from the shared pool (one lock round trip for kBatch memfds).
  {
    std::lock_guard<std::mutex> pool_guard(m_pool_mutex);
    std::vector<int>& pool = m_pool[c];
    while (!pool.empty() && magazine.count < kBatch) {
      magazine.fds[magazine.count++] = pool.back();
      pool.pop_back();
    }
  }
  if (magazine.count > 0) {
    ++stats.refills;
    emit(trace, Event::Refill, task, c);
    return Memfd{magazine.fds[--magazine.count], kClassSizes[c]};
  }
  return Memfd{make_memfd(kClassSizes[c]), kClassSizes[c]};  // the pool was empty too
}

void RegionCache::free(uint32_t core, Memfd memfd, kernel::Trace* trace, hb_task_id_t task) {
  if (memfd.fd < 0) return;
  uint32_t c = class_of(memfd.file_size);
  // Only memfds of a class's exact size come back (a revoked one has size 0: made whole
  // again first); a failed punch leaves pages behind, which must never be handed out.
  bool whole = c < kClasses && memfd.file_size == kClassSizes[c];
  if (!whole || !punch_out(memfd.fd, memfd.file_size)) {
    close(memfd.fd);
    return;
  }
  PerCore& me = m_cores[core];
  std::lock_guard<std::mutex> core_guard(me.mutex);
  Magazine& magazine = me.magazines[c];
  RegionCacheStats& stats = me.stats;
  ++stats.frees;
  if (magazine.count == kMagazine) {
    // Full: give a batch back to the pool (or close them when the pool is full too).
    ++stats.flushes;
    emit(trace, Event::Flush, task, c);
    std::lock_guard<std::mutex> pool_guard(m_pool_mutex);
    for (uint32_t i = 0; i < kBatch; ++i) pool_put_locked(c, magazine.fds[--magazine.count]);
  }
  magazine.fds[magazine.count++] = memfd.fd;
}

void RegionCache::pool_put_locked(uint32_t size_class, int fd) {
  if (m_pool[size_class].size() < kPoolMax)
    m_pool[size_class].push_back(fd);
  else
    close(fd);
}

// (C3) Truncated to 0: every page is gone at once, in every process that still maps it, and
// a stale access there faults (SIGBUS), as after a revoke.
void RegionCache::hold(uint32_t core, Memfd memfd, const void* machine, std::vector<Owed> owed) {
  if (memfd.fd < 0) return;
  uint32_t c = class_of(memfd.file_size);
  if (c == kClasses || ftruncate(memfd.fd, 0) != 0) {
    close(memfd.fd);
    return;
  }
  {
    PerCore& me = m_cores[core];
    std::lock_guard<std::mutex> core_guard(me.mutex);
    ++me.stats.frees;
    ++me.stats.held;
  }
  std::lock_guard<std::mutex> pool_guard(m_pool_mutex);
  if (m_held.size() == kHeldMax) {  // closing is always safe: the old way
    close(m_held.front().memfd.fd);
    m_held.erase(m_held.begin());
  }
  m_held.push_back(Held{Memfd{memfd.fd, kClassSizes[c]}, machine, std::move(owed)});
}

// (C4)
void RegionCache::release_held(const void* machine,
                               const std::function<bool(const Owed&)>& done) {
  std::lock_guard<std::mutex> pool_guard(m_pool_mutex);
  for (size_t i = 0; i < m_held.size();) {
    Held& held = m_held[i];
    bool all_done = held.machine == machine;
    for (size_t j = 0; all_done && j < held.owed.size(); ++j) all_done = done(held.owed[j]);
    if (!all_done) {
      ++i;
      continue;
    }
    // Size 0 and no process maps it: making it whole again gives a file of holes.
    uint32_t c = class_of(held.memfd.file_size);
    if (ftruncate(held.memfd.fd, static_cast<off_t>(held.memfd.file_size)) == 0)
      pool_put_locked(c, held.memfd.fd);
    else
      close(held.memfd.fd);
    m_held.erase(m_held.begin() + static_cast<std::ptrdiff_t>(i));
  }
}

void RegionCache::trim() {
  for (PerCore& core : m_cores) {
    std::lock_guard<std::mutex> core_guard(core.mutex);
    for (Magazine& magazine : core.magazines)
      while (magazine.count > 0) close(magazine.fds[--magazine.count]);
  }
  std::lock_guard<std::mutex> pool_guard(m_pool_mutex);
  for (std::vector<int>& pool : m_pool) {
    for (int fd : pool) close(fd);
    pool.clear();
  }
  for (Held& held : m_held) close(held.memfd.fd);
  m_held.clear();
}

RegionCacheStats RegionCache::stats(uint32_t core) const {
  std::lock_guard<std::mutex> core_guard(m_cores[core].mutex);
  return m_cores[core].stats;
}

uint32_t RegionCache::pool_size(uint32_t size_class) const {
  std::lock_guard<std::mutex> pool_guard(m_pool_mutex);
  return static_cast<uint32_t>(m_pool[size_class].size());
}

uint32_t RegionCache::held_count() const {
  std::lock_guard<std::mutex> pool_guard(m_pool_mutex);
  return static_cast<uint32_t>(m_held.size());
}

// Without a lock: the child has one thread, and its parent's kernel lock was held across the
// fork (start_task), so no thread of that machine was halfway through the cache.
void RegionCache::close_inherited() {
  for (PerCore& core : m_cores)
    for (Magazine& magazine : core.magazines)
      while (magazine.count > 0) close(magazine.fds[--magazine.count]);
  for (std::vector<int>& pool : m_pool) {
    for (int fd : pool) close(fd);
    pool.clear();
  }
  for (Held& held : m_held) close(held.memfd.fd);
  m_held.clear();
}

RegionCache& region_cache() {
  static RegionCache* cache = new RegionCache;  // never destroyed (see the header)
  return *cache;
}

}  // namespace hosted
