// arch/test/test_arch.cc - the in-process, single-threaded, deterministic test machine.
#include <arch/clock.h>
#include <arch/console.h>
#include <arch/cpu.h>
#include <arch/memory.h>
#include <arch/panic.h>
#include <arch/task_hooks.h>
#include <arch/test_control.h>
#include <harbor/sys.h>
#include <kernel/kernel.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <utility>
#include <vector>

namespace arch {

namespace {
struct State {
  uint64_t clock{1'000'000'000};
  uint64_t deadline{UINT64_MAX};
  std::set<std::string> images;
  std::vector<std::pair<uintptr_t, uintptr_t>> poisoned;
  uintptr_t only_lo{0}, only_hi{UINTPTR_MAX};  // restrict_user_memory
  std::string console;
  uint64_t heap_bytes{0};
  uint64_t heap_blocks{0};
  uint64_t heap_budget{UINT64_MAX};
  uint64_t heap_allocations{0};
  uint32_t stopped{0};
};
State& state() {
  static State s;
  return s;
}

bool owned(uint64_t address, uint64_t len) {
  if (address < 0x10000 || address + len < address) return false;
  if (address < state().only_lo || address + len > state().only_hi) return false;
  for (auto [lo, hi] : state().poisoned)
    if (address < hi && address + len > lo) return false;
  return true;
}
}  // namespace

[[noreturn]] void panic(const char* message) {
  std::fprintf(stderr, "kernel panic: %s\n", message);
  std::abort();
}

void console_write(const char* text, uint32_t len) { state().console.append(text, len); }
uint64_t clock_ns() { return state().clock; }
uint32_t current_core() { return 0; }

void* heap_alloc(size_t bytes) {
  State& s = state();
  if (s.heap_budget == 0) return nullptr;
  if (s.heap_budget != UINT64_MAX) --s.heap_budget;
  void* p = std::malloc(bytes);
  if (p) {
    s.heap_bytes += bytes;
    ++s.heap_blocks;
    ++s.heap_allocations;
  }
  return p;
}

void heap_free(void* pointer, size_t bytes) {
  if (!pointer) return;
  state().heap_bytes -= bytes;
  --state().heap_blocks;
  std::free(pointer);
}

// Like a real kernel's, the kernel's string copy may read past the terminator up to the end
// of the page that holds it (kernel/sys_task.cc copy_string_in). That memory exists, but to
// AddressSanitizer it lies outside the test's object, so this copy is not instrumented.
__attribute__((no_sanitize("address"))) static void copy_raw(void* dst, const void* src,
                                                             uint64_t len) {
  auto* d = static_cast<volatile unsigned char*>(dst);
  const auto* s = static_cast<const volatile unsigned char*>(src);
  for (uint64_t i = 0; i < len; ++i) d[i] = s[i];
}

int32_t copy_from_user(TaskContext*, void* dst, uint64_t src, uint64_t len) {
  if (!owned(src, len)) return HB_ERR_FAULT;
  copy_raw(dst, reinterpret_cast<const void*>(src), len);
  return HB_OK;
}

int32_t copy_to_user(TaskContext*, uint64_t dst, const void* src, uint64_t len) {
  if (!owned(dst, len)) return HB_ERR_FAULT;
  std::memmove(reinterpret_cast<void*>(dst), src, len);
  return HB_OK;
}

// Every task shares the test's address space, so the one copy is a plain move once both
// ranges are known to be user memory (the source first, as the header promises).
CopyFault copy_user_to_user(TaskContext*, uint64_t src, TaskContext*, uint64_t dst,
                            uint64_t len) {
  if (len == 0) return CopyFault::None;
  if (!owned(src, len)) return CopyFault::Source;
  if (!owned(dst, len)) return CopyFault::Destination;
  std::memmove(reinterpret_cast<void*>(dst), reinterpret_cast<const void*>(src), len);
  return CopyFault::None;
}

void task_resume(TaskContext* ctx, int64_t result) {
  if (ctx->resumed) panic("test arch: a task was resumed twice without running");
  ctx->resumed = true;
  ctx->result = result;
  ++ctx->resumes;
}

int32_t task_start(kernel::Task* task, const char* image, const char*, uint32_t,
                   TaskContext** ctx_out) {
  if (!state().images.count(image)) return HB_ERR_NOT_FOUND;
  auto* ctx = new TaskContext;
  ctx->task = task;
  ctx->image = image;
  *ctx_out = ctx;
  return HB_OK;
}

// Test tasks run only inside their syscalls: one can always be ended at once.
void task_kill(TaskContext* ctx) { ctx->task->kernel().task_died(*ctx->task, -9); }

void task_stop(TaskContext* ctx) {
  ++state().stopped;
  delete ctx;
}

void timer_set(uint64_t deadline_ns) { state().deadline = deadline_ns; }

namespace test {
void reset() {
  uint64_t bytes = state().heap_bytes, blocks = state().heap_blocks;
  uint64_t allocations = state().heap_allocations;
  state() = State{};
  state().heap_bytes = bytes;  // live allocations of earlier tests (if any) stay counted
  state().heap_blocks = blocks;
  state().heap_allocations = allocations;
}
void add_image(const std::string& name) { state().images.insert(name); }
void set_clock(uint64_t ns) { state().clock = ns; }
void advance_clock(uint64_t ns) { state().clock += ns; }
uint64_t timer_deadline() { return state().deadline; }
void poison(const void* address, size_t len) {
  auto lo = reinterpret_cast<uintptr_t>(address);
  state().poisoned.emplace_back(lo, lo + len);
}
void restrict_user_memory(const void* address, size_t len) {
  state().only_lo = reinterpret_cast<uintptr_t>(address);
  state().only_hi = state().only_lo + len;
}
const std::string& console() { return state().console; }
uint64_t heap_bytes() { return state().heap_bytes; }
uint64_t heap_blocks() { return state().heap_blocks; }
uint64_t heap_allocations() { return state().heap_allocations; }
void fail_heap_after(uint64_t n) { state().heap_budget = n; }
uint32_t stopped_tasks() { return state().stopped; }
}  // namespace test

}  // namespace arch

// ---- grant regions: the test arch's "tasks" share the test's address space, so a mapping
// is the backing memory itself (read-only cannot be enforced here; the hosted arch does).
#include <arch/region_memory.h>

namespace arch {

struct RegionMemory {
  void* pages;
  uint64_t size;
  bool revoked;
};

int32_t region_memory_create(uint64_t size, RegionMemory** out) {
  void* pages = std::aligned_alloc(4096, size);
  if (!pages) return HB_ERR_NO_MEMORY;
  std::memset(pages, 0, size);
  *out = new RegionMemory{pages, size, false};
  return HB_OK;
}

void region_memory_destroy(RegionMemory* memory) {
  std::free(memory->pages);
  delete memory;
}

void region_memory_revoke(RegionMemory* memory) { memory->revoked = true; }

int32_t region_map(TaskContext*, RegionMemory* memory, uint64_t, bool, uint64_t* address) {
  *address = reinterpret_cast<uint64_t>(memory->pages);
  return HB_OK;
}

void region_unmap(TaskContext*, RegionMemory*, uint64_t, uint64_t) {}

}  // namespace arch
