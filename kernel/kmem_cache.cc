// kernel/kmem_cache.cc - per-core magazines in front of a shared pool (see kmem_cache.h).
#include <arch/memory.h>
#include <kernel/kmem_cache.h>
#include <kernel/lib/kassert.h>

namespace kernel {

namespace {
constexpr size_t kClassSizes[KmemCache::kClasses] = {256, 1024, 4096, 16384, 32768, 72 * 1024};
}

uint32_t KmemCache::class_of(size_t bytes) {
  for (uint32_t c = 0; c < kClasses; ++c)
    if (bytes <= kClassSizes[c]) return c;
  return kClasses;
}

size_t KmemCache::class_size(uint32_t size_class) { return kClassSizes[size_class]; }

KmemCache::~KmemCache() { trim(); }

void* KmemCache::alloc(size_t bytes) {
  uint32_t c = class_of(bytes);
  if (!m_enabled || c == kClasses) return arch::heap_alloc(bytes);
  uint32_t core = arch::current_core();
  Magazine& magazine = m_cores[core].magazines[c];
  CoreCacheStats& stats = m_cores[core].stats;
  if (magazine.count > 0) {  // the common path: this core's own magazine, no lock
    ++stats.hits;
    if (m_trace) m_trace->emit(TraceKind::CacheHit, 0, 0, 0, static_cast<int64_t>(c));
    return magazine.items[--magazine.count];
  }
  ++stats.misses;
  if (m_trace) m_trace->emit(TraceKind::CacheMiss, 0, 0, 0, static_cast<int64_t>(c));
  // Refill a batch from the shared pool (one lock round trip for kBatch buffers).
  m_pool_lock.lock();
  Stack& pool = m_pool[c];
  while (pool.head && magazine.count < kBatch) {
    FreeBuffer* b = pool.head;
    pool.head = b->next;
    --pool.count;
    magazine.items[magazine.count++] = b;
  }
  m_pool_lock.unlock();
  if (magazine.count > 0) {
    ++stats.refills;
    if (m_trace) m_trace->emit(TraceKind::CacheRefill, 0, 0, 0, static_cast<int64_t>(c));
    return magazine.items[--magazine.count];
  }
  return arch::heap_alloc(kClassSizes[c]);  // the pool was empty too
}

void KmemCache::free(void* buffer, size_t bytes) {
  if (!buffer) return;
  uint32_t c = class_of(bytes);
  if (!m_enabled || c == kClasses) {
    arch::heap_free(buffer, bytes);
    return;
  }
  uint32_t core = arch::current_core();
  Magazine& magazine = m_cores[core].magazines[c];
  CoreCacheStats& stats = m_cores[core].stats;
  ++stats.frees;
  if (magazine.count == kMagazine) {
    // Full: give a batch back to the pool (or to the heap when the pool is full too).
    ++stats.flushes;
    if (m_trace) m_trace->emit(TraceKind::CacheFlush, 0, 0, 0, static_cast<int64_t>(c));
    m_pool_lock.lock();
    Stack& pool = m_pool[c];
    for (uint32_t i = 0; i < kBatch; ++i) {
      void* item = magazine.items[--magazine.count];
      if (pool.count < kPoolMax) {
        auto* b = static_cast<FreeBuffer*>(item);
        b->next = pool.head;
        pool.head = b;
        ++pool.count;
      } else {
        arch::heap_free(item, kClassSizes[c]);
      }
    }
    m_pool_lock.unlock();
  }
  magazine.items[magazine.count++] = buffer;
}

void KmemCache::trim() {
  for (uint32_t core = 0; core < arch::kMaxCores; ++core)
    for (uint32_t c = 0; c < kClasses; ++c) {
      Magazine& magazine = m_cores[core].magazines[c];
      while (magazine.count > 0) arch::heap_free(magazine.items[--magazine.count], kClassSizes[c]);
    }
  m_pool_lock.lock();
  for (uint32_t c = 0; c < kClasses; ++c) {
    Stack& pool = m_pool[c];
    while (FreeBuffer* b = pool.head) {
      pool.head = b->next;
      arch::heap_free(b, kClassSizes[c]);
    }
    pool.count = 0;
  }
  m_pool_lock.unlock();
}

}  // namespace kernel
