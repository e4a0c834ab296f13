// hosted/channel.h - the syscall channel between a hosted task and the emulator.
//
// Every hosted task is a Linux process. It "traps" into the kernel through one shared page
// (a memfd mapped in both processes; the task finds it at fd kChannelFd, announced by the
// environment variable HARBOR_CHANNEL_FD). Both sides sleep on the same futex word, the
// `state` field, so a wake-up can never be lost between "check" and "sleep": a side that
// goes to sleep first sets its own *sleeper bit* in that word (compare-and-swap), then
// sleeps with FUTEX_WAIT_BITSET on its own bit; whoever changes the state clears the bit
// of the side it answers and wakes that side (FUTEX_WAKE_BITSET) only if the bit was set.
// So nobody is woken by the other side's traffic, and a side that spins instead of
// sleeping costs its peer no futex call at all.
//
//      task (userland/runtime/hosted)              emulator (arch/hosted/serve.cc)
//   (1) write number, args[] (and stage small
//       messages in the page, below)
//   (2) state = Request; wake the serving   --->  (3) sees Request, CAS Request -> Serving,
//       thread if its bit was set                     copies number and args, takes the
//                                                     kernel lock, kernel.syscall(...)
//   (4) wait until Response: sleep while    <---  (5) result = r; state = Response; wake
//       Serving (the serving thread runs on           the task if its bit was set. Done
//       our CPU), spin a while if Blocked             after the kernel lock is released,
//       and the machine says the answer comes         at once or later from
//       from another CPU (spin_ns)                    arch::task_resume when it blocked;
//                                                     a blocked call is first marked
//                                                     Blocked (only for a task that spins)
//   (6) read result, copy staged answers out
//
// The emulator trusts nothing in the page: it copies number and args once, and it accepts
// a new Request only when it is not still answering the previous one. `Dead` tells the
// emulator's serving thread to stop (the task is gone).
//
// Staged memory: messages ride in the page, up to a whole one (HB_MSG_MAX). In step (1)
// the runtime copies what the kernel will read of an IPC call (the hb_msg_out and hb_msg_in
// descriptors, a payload up to kStageMax bytes, handle arrays) into the staging area after
// the header, and describes each range as a *window*: "task bytes [user, user + len) are at
// page offset `offset`". The emulator's copy_from_user/copy_to_user (arch_seam.cc) serve a
// range that lies inside a window with memcpy instead of process_vm_readv/writev, and note
// which part of a write window they wrote; in step (6) the runtime copies those parts out to
// the task's memory. The kernel's fast path copies from one task's read window straight into
// another's write window (user_to_user.cc): one memcpy, page to page.
// The runtime stages a range only after checking it fault-safely (a read that can fault, a
// write probe of every page), so a pointer the task does not own is never staged: the
// kernel's own copy then fails as before, HB_ERR_FAULT, nothing changed, nothing lost. A
// write window is probed *before* the call, so what the kernel delivers into it can always
// be copied out. The emulator checks every window against the page's bounds; a task that
// lies in its windows only misleads the kernel about its own memory.
#pragma once

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdint>

namespace hosted {

constexpr int kChannelFd = 3;                // where the child finds the channel's memfd
constexpr const char* kChannelEnv = "HARBOR_CHANNEL_FD";
constexpr uint32_t kChannelMagic = 0x48424331;  // "HBC1"
constexpr uint32_t kStageOffset = 4096;   // where the staging area starts
constexpr uint32_t kStageMax = 65536;     // the largest range staged: HB_MSG_MAX
// The header page, then room for what the biggest call stages: hb_reply_recv and hb_call
// carry a whole message each way (two kStageMax payloads), plus the two descriptors and two
// handle arrays (under 300 bytes) in the last page. 136 KiB of address space in the task
// and in the emulator; memfd pages cost memory only once touched, and windows are laid out
// from the start of the staging area, so a task that only ever moves small messages keeps
// a page or two of it (a task moving 64 KiB messages both ways: all 34 pages).
constexpr uint64_t kChannelSize = kStageOffset + 2 * uint64_t{kStageMax} + 4096;
constexpr uint32_t kMaxWindows = 8;

enum ChannelWindowFlags : uint32_t {
  kWindowRead = 1,   // the page holds the task's bytes (copied in step (1))
  kWindowWrite = 2,  // the kernel may write here; the runtime copies it out in step (6)
};

// One staged range. The runtime writes user/offset/len/flags and zeroes written_*; the
// emulator widens [written_lo, written_hi) (offsets in the window) over what it wrote.
struct ChannelWindow {
  uint64_t user;
  uint32_t offset;
  uint32_t len;
  uint32_t flags;
  uint32_t written_lo;
  uint32_t written_hi;
  uint32_t reserved;
};

// The state word: a ChannelState in the low byte, and the sleeper bits.
enum ChannelState : uint32_t {
  kIdle = 0,      // nothing asked yet
  kRequest = 1,   // (2) the task asked; number and args are valid
  kServing = 2,   // (3) the emulator took the request (the task may be blocked in it)
  kResponse = 3,  // (5) result is valid
  kDead = 4,      // the emulator's serving thread must stop
  kBlocked = 5,   // (5) the call blocked; its answer will come from another thread
};
constexpr uint32_t kStateMask = 0xff;
constexpr uint32_t kTaskSleeps = 1u << 8;    // the task sleeps on the word (bitset kTaskBit)
constexpr uint32_t kServerSleeps = 1u << 9;  // the serving thread sleeps (bitset kServerBit)
constexpr uint32_t kTaskBit = 1;
constexpr uint32_t kServerBit = 2;
inline uint32_t state_of(uint32_t word) { return word & kStateMask; }

// The page layout. Plain integers accessed through std::atomic_ref (both sides are separate
// processes, so every field is shared memory).
struct Channel {
  uint32_t state;  // ChannelState; the futex word
  uint32_t number;
  uint64_t args[6];
  int64_t result;
  uint32_t magic;
  uint32_t spin_ns;  // (4) the emulator's hint: how long to spin while Blocked (0: never)
  uint64_t task_id;  // for debugging only (the emulator writes it before the exec)

  // Grant regions (arch/hosted/region_memory.cc, userland/runtime/hosted/region.cc). The
  // emulator cannot map memory into another process, so the task maps each region itself:
  //   (R1) before its first hb_region_map the runtime reserves a window of its address
  //        space (PROT_NONE) and writes it here; the emulator adopts it once and places
  //        every mapping of this task inside it;
  //   (R2) a map or unmap the kernel accepted leaves its answer in map_*: the address and
  //        size, and which descriptor of which process holds the region's memfd (the runtime
  //        opens /proc/<map_pid>/fd/<map_fd> read-only or read-write and mmaps it there).
  uint64_t region_window_base;  // (R1) written by the task
  uint64_t region_window_size;
  uint64_t map_address;  // (R2) written by the emulator
  uint64_t map_size;
  int32_t map_pid;
  int32_t map_fd;
  uint32_t map_writable;

  // Staged memory of the current syscall (written by the task in step (1)).
  uint32_t window_count;
  uint32_t reserved;
  ChannelWindow windows[kMaxWindows];
};
static_assert(sizeof(Channel) <= kStageOffset);

inline std::atomic_ref<uint32_t> channel_state(Channel* c) {
  return std::atomic_ref<uint32_t>(c->state);
}

// Shared (not FUTEX_PRIVATE) futex operations: the word lives in a page of two processes.
// Sleeps while *word == expected, as the side `bit` (kTaskBit or kServerBit).
inline void futex_wait_bits(uint32_t* word, uint32_t expected, uint32_t bit) {
  syscall(SYS_futex, word, FUTEX_WAIT_BITSET, expected, nullptr, nullptr, bit);
}
// Wakes the side `bit` only.
inline void futex_wake_bits(uint32_t* word, uint32_t bit) {
  syscall(SYS_futex, word, FUTEX_WAKE_BITSET, INT_MAX, nullptr, nullptr, bit);
}
// Wakes everyone (Dead: both sides must see it).
inline void futex_wake_all(uint32_t* word) {
  syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
}

inline uint64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

// Spins while *word == current, for at most `max_ns` nanoseconds; returns the last value
// seen. Only where the value is changed by a thread on another CPU: on a shared CPU the
// spinner holds up the very thread it waits for.
inline uint32_t spin_while(uint32_t* word, uint32_t current, uint64_t max_ns) {
  std::atomic_ref<uint32_t> ref(*word);
  uint32_t seen = ref.load(std::memory_order_acquire);
  if (seen != current || max_ns == 0) return seen;
  uint64_t until = monotonic_ns() + max_ns;
  for (uint32_t i = 1; seen == current; ++i) {
    __builtin_ia32_pause();
    seen = ref.load(std::memory_order_acquire);
    if ((i & 63) == 0 && monotonic_ns() >= until) break;
  }
  return seen;
}

// Makes the state `next` (keeping the sleeper bit `keep` of the side that is not answered)
// unless it is Dead; wakes the side `wake_bit` if it slept. False if the state was Dead.
inline bool channel_post(uint32_t* word, uint32_t next, uint32_t keep, uint32_t sleeps,
                         uint32_t wake_bit) {
  std::atomic_ref<uint32_t> ref(*word);
  uint32_t old = ref.load(std::memory_order_relaxed);
  do {
    if (state_of(old) == kDead) return false;
  } while (!ref.compare_exchange_weak(old, next | (old & keep), std::memory_order_acq_rel));
  if (old & sleeps) futex_wake_bits(word, wake_bit);
  return true;
}

}  // namespace hosted
