// arch/test_control.h - the knobs of the in-process test arch, for unit tests only.
//
// In the test arch a "task" is not a process: its user memory is the test's own memory,
// so a test passes ordinary pointers as user addresses. Addresses below 64 KiB, and any
// range declared with poison(), count as memory the task does not own (HB_ERR_FAULT).
// Time stands still until the test moves it; a blocked syscall's result is recorded in the
// task's context instead of resuming a thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace kernel {
class Task;
}

namespace arch {

struct TaskContext {
  kernel::Task* task{nullptr};
  std::string image;
  bool resumed{false};   // task_resume() was called since the last clear_resume()
  int64_t result{0};     // ... with this result
  uint32_t resumes{0};   // how many times in all
};

namespace test {

// Resets every knob (call at the start of each test).
void reset();

// Program images that task_start accepts (anything else is HB_ERR_NOT_FOUND).
void add_image(const std::string& name);

void set_clock(uint64_t ns);
void advance_clock(uint64_t ns);
uint64_t timer_deadline();  // the last value given to arch::timer_set

// Marks [address, address + len) as not owned by any task.
void poison(const void* address, size_t len);
// From now on only [address, address + len) is user memory (for fuzzing with wild pointers).
void restrict_user_memory(const void* address, size_t len);

// Everything written with console_write since reset().
const std::string& console();

// Bytes currently allocated through heap_alloc, and the number of live allocations.
uint64_t heap_bytes();
uint64_t heap_blocks();
// Successful heap_alloc calls since the program started (never reset: compare differences).
uint64_t heap_allocations();
// Make heap_alloc fail after `n` more successful allocations (UINT64_MAX: never).
void fail_heap_after(uint64_t n);

// How many task_stop calls have been made (and contexts freed).
uint32_t stopped_tasks();

}  // namespace test
}  // namespace arch
