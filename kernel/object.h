// kernel/object.h - the base of every object a handle can name.
//
//   Task --handle table--> Capability { object*, rights, badge } --> KernelObject
//                                                                     (Port, Reply,
//                                                                      Semaphore, Region)
//
// An object is reference counted: each capability (in a handle table or inside a queued
// message) holds one reference, and kernel structures that point at it may hold more.
// Separately, each object hears when a capability to it appears or disappears, with its
// rights: that is how a port counts its send rights and notices its receive right closing.
#pragma once

#include <harbor/sys.h>

#include <cstdint>

namespace kernel {

enum class ObjectType : uint32_t {
  Port = HB_OBJ_PORT,
  Reply = HB_OBJ_REPLY,
  Region = HB_OBJ_REGION,
  Semaphore = HB_OBJ_SEMAPHORE,
};

class Kernel;

class KernelObject {
 public:
  KernelObject(Kernel& kernel, ObjectType type);
  KernelObject(const KernelObject&) = delete;
  KernelObject& operator=(const KernelObject&) = delete;

  ObjectType type() const { return m_type; }
  uint64_t koid() const { return m_koid; }  // kernel object id: unique, for traces and stats
  Kernel& kernel() const { return m_kernel; }

  // Atomic: core-side syscalls on two cores may hold the same object (a reply object's
  // capability is dropped by the server while its caller checks whether it is free).
  void retain() { __atomic_add_fetch(&m_refs, 1, __ATOMIC_RELAXED); }
  uint32_t refs() const { return __atomic_load_n(&m_refs, __ATOMIC_ACQUIRE); }
  // Drops one reference; the last one destroys the object.
  void release();

  // A capability with `rights` to this object was created / destroyed. Called with the
  // kernel lock held, after the capability is in place / before it is gone.
  virtual void on_capability_added(uint32_t rights) { (void)rights; }
  virtual void on_capability_removed(uint32_t rights) { (void)rights; }
  // A capability with `rights` moved into a queued message (`entering`) or out of one (into
  // a handle table, or on its way to be dropped). Ports use it to find garbage: capabilities
  // that only exist inside messages nobody can receive (kernel/port.cc).
  virtual void on_capability_in_transit(bool entering, uint32_t rights) {
    (void)entering;
    (void)rights;
  }

 protected:
  // Not virtual: objects are freed by destroy_self(), which knows the concrete type, so the
  // kernel never needs operator delete (it has none on bare metal).
  ~KernelObject() = default;
  // Frees the object's memory (each type knows its own size and quota).
  virtual void destroy_self() = 0;

 private:
  Kernel& m_kernel;
  ObjectType m_type;
  uint64_t m_koid;
  uint32_t m_refs{1};
};

}  // namespace kernel
