// arch/x86_64/libc.cc - the C++ runtime hooks a freestanding kernel still needs. The string
// functions (memcpy & co.) are in string.cc, shared with the ring-3 runtime.
#include <arch/panic.h>

#include <cstddef>

extern "C" {

void __cxa_pure_virtual() { arch::panic("pure virtual function called"); }
// Global objects' destructors would run at exit; the kernel never exits.
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }
void* __dso_handle = nullptr;

}  // extern "C"

// Kernel objects are freed with kernel::destroy (kernel/lib/kmem.h), never `delete`; a
// virtual destructor still makes the compiler reference these.
void operator delete(void*) noexcept { arch::panic("operator delete"); }
void operator delete(void*, size_t) noexcept { arch::panic("operator delete"); }
