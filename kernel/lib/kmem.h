// kernel/lib/kmem.h - typed allocation on the kernel heap.
//
// Kernel objects are created with make<T>() and freed with destroy(). Both go through the
// arch heap (arch/memory.h); the caller has already charged the memory to a task's quota
// (kernel/quota.h), so running out is an HB_ERR_NO_MEMORY for that task, never a crash.
#pragma once

#include <arch/memory.h>

#include <cstddef>
#include <new>
#include <utility>

namespace kernel {

// Returns nullptr when the heap is exhausted.
template <typename T, typename... Args>
T* make(Args&&... args) {
  void* memory = arch::heap_alloc(sizeof(T));
  if (!memory) return nullptr;
  return new (memory) T(std::forward<Args>(args)...);
}

template <typename T>
void destroy(T* object) {
  if (!object) return;
  object->~T();
  arch::heap_free(object, sizeof(T));
}

// Raw bytes (message payloads): nullptr when exhausted.
inline void* alloc_bytes(size_t bytes) { return arch::heap_alloc(bytes); }
inline void free_bytes(void* memory, size_t bytes) { arch::heap_free(memory, bytes); }

}  // namespace kernel
