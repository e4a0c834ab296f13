// kernel/capability.h - what a handle names: an object, the rights held on it, and a badge.
//
// A Capability lives in exactly one place at a time: a slot of a task's handle table, or a
// queued message carrying it to another task. Moving it between the two does not change the
// object's counts; creating or dropping one does (capability_create / capability_drop).
#pragma once

#include <kernel/object.h>

#include <cstdint>

namespace kernel {

struct Capability {
  KernelObject* object{nullptr};
  uint32_t rights{0};
  uint64_t badge{0};

  bool empty() const { return object == nullptr; }
  bool has(uint32_t needed) const { return (rights & needed) == needed; }
};

// A port's receive right. (A semaphore's HB_RIGHT_RECV is the right to wait on it: no
// receive right, and no part of the no-receive-cycles rule, ipc_send.cc.)
inline bool is_port_receive_right(const Capability& cap) {
  return cap.object->type() == ObjectType::Port && cap.has(HB_RIGHT_RECV);
}

// A new capability to `object`: takes a reference and tells the object.
Capability capability_create(KernelObject& object, uint32_t rights, uint64_t badge);
// Destroys a capability: tells the object, then drops the reference. `cap` becomes empty.
void capability_drop(Capability& cap);

}  // namespace kernel
