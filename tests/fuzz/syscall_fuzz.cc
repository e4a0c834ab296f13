// tests/fuzz/syscall_fuzz.cc - throws arbitrary syscalls at the kernel core (label `fuzz`).
//
// SPEC 3: "A bad argument never crashes or corrupts the kernel and never leaks." The input is
// a byte string read as a program: each step picks a task, a syscall number and six
// arguments, each argument drawn from a small vocabulary that reaches the interesting
// paths (real handles, near-miss handles, good and bad user pointers, prepared message
// structures, timeouts) or taken raw from the input. Between steps the clock moves, tasks die
// and respawn. The kernel's own KASSERTs and the sanitizers are the oracle; at the end every
// task exits and the kernel heap must be back where it started.
//
// The same entry point serves libFuzzer (build with clang -fsanitize=fuzzer and define
// HARBOR_LIBFUZZER) and the plain driver in syscall_fuzz_main.cc that ctest runs.
#include "../unit/entry.h"
#include "syscall_fuzz.h"

#include <arch/clock.h>
#include <arch/test_control.h>
#include <harbor/abi/syscalls.h>
#include <harbor/sys.h>
#include <kernel/kernel.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : m_data(data), m_size(size) {}
  bool done() const { return m_pos >= m_size; }
  uint8_t byte() { return m_pos < m_size ? m_data[m_pos++] : 0; }
  uint64_t u64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | byte();
    return v;
  }

 private:
  const uint8_t* m_data;
  size_t m_size;
  size_t m_pos{0};
};

constexpr int kTasks = 4;
constexpr size_t kArena = 1 << 16;

// User memory shared by the fuzzed tasks (in the test arch a task's memory is ours). It
// holds prepared structures at fixed places so that random programs still build real
// messages; the program can also scribble over any of it.
struct Arena {
  alignas(64) uint8_t bytes[kArena];
  hb_msg_out* out(int i) { return reinterpret_cast<hb_msg_out*>(bytes + 64 * i); }        // 0..3
  hb_msg_in* in(int i) { return reinterpret_cast<hb_msg_in*>(bytes + 512 + 128 * i); }     // 0..3
  hb_handle_t* handles(int i) { return reinterpret_cast<hb_handle_t*>(bytes + 1024 + 128 * i); }
  uint8_t* data(int i) { return bytes + 4096 + 8192 * i; }  // 0..6, 8 KiB each
  char* image() { return reinterpret_cast<char*>(bytes + 2048); }
  hb_handle_t* out_params(int i) { return reinterpret_cast<hb_handle_t*>(bytes + 2304 + 16 * i); }
  uint64_t poison_address() { return reinterpret_cast<uint64_t>(bytes + kArena - 4096); }
};

class Fuzzer {
 public:
  Fuzzer() : m_arena(new Arena{}) {
    arch::test::reset();
    arch::test::add_image("fuzz");
    arch::test::poison(m_arena->bytes + kArena - 4096, 4096);
    arch::test::restrict_user_memory(m_arena->bytes, kArena);  // wild pointers fault
    m_heap_at_start = arch::test::heap_bytes();
    kernel::KernelConfig config;
    config.quota.queued_bytes = 256 * 1024;  // small, so quota exhaustion is reachable
    config.quota.handles = 64;
    config.quota.ports = 16;
    config.per_core_caches = true;
    m_kernel = new kernel::Kernel(config);
    m_kernel->lock().lock();
    std::strcpy(m_arena->image(), "fuzz");
    for (int i = 0; i < kTasks; ++i) respawn(i);
    reset_structures();
  }

  ~Fuzzer() {
    m_kernel->lock().unlock();
    delete m_kernel;  // every task is killed, everything it owned is freed
    uint64_t heap = arch::test::heap_bytes();
    if (heap != m_heap_at_start) {
      std::fprintf(stderr, "syscall_fuzz: kernel heap leaked %lld bytes\n",
                   static_cast<long long>(heap - m_heap_at_start));
      std::abort();
    }
    delete m_arena;
  }

  void run(Reader& in) {
    for (int step = 0; step < 4096 && !in.done(); ++step) {
      uint8_t op = in.byte();
      if (op < 200) {
        syscall(in, op % kTasks);
      } else if (op < 220) {
        arch::test::advance_clock(1000ull << (in.byte() % 24));
        m_kernel->expire_deadlines(arch::clock_ns());
      } else if (op < 228) {
        kill(in.byte() % kTasks);
      } else if (op < 244) {
        reset_structures();
      } else {
        // scribble: raw bytes anywhere in the arena's structure area
        size_t at = (static_cast<size_t>(in.byte()) << 4) % 4096;
        m_arena->bytes[at] = in.byte();
      }
    }
  }

 private:
  kernel::Task* task(int slot) { return m_kernel->find_task(m_ids[slot]); }

  void respawn(int slot) {
    kernel::Result<kernel::Task*> t = m_kernel->spawn_root("fuzz", "start", 5);
    if (!t.ok()) std::abort();  // plenty of room: a failure here is a kernel bug
    m_ids[slot] = t.value()->id();
    for (uint32_t& h : m_handles[slot]) h = HB_INBOX;  // a new task has only its inbox
    m_next[slot] = 0;
  }

  void kill(int slot) {
    if (kernel::Task* t = task(slot)) m_kernel->task_died(*t, -9);
    respawn(slot);
  }

  void reset_structures() {
    Arena& a = *m_arena;
    for (int i = 0; i < 4; ++i) {
      *a.out(i) = hb_msg_out{a.data(i), static_cast<uint32_t>(16u << (4 * i)) & 0x1ffff,
                             static_cast<uint32_t>(i % 3), a.handles(i)};
      for (int h = 0; h < 4; ++h)
        a.handles(i)[h] = static_cast<hb_handle_t>(m_handles[i % kTasks][(i + h) % 8]);
      *a.in(i) = hb_msg_in{};
      a.in(i)->data = a.data(4 + (i % 3));
      a.in(i)->cap = (i == 3) ? 4 : 8192;
      a.in(i)->handles = a.handles(i);
      a.in(i)->handle_cap = static_cast<uint32_t>(i * 5);
    }
    a.out(3)->len = 8192;
  }

  // Argument vocabulary. A step uses the syscall's own shape (below) most of the time, so
  // that it gets past argument checking, and any kind for any argument the rest.
  enum Kind : uint8_t {
    kSmall, kInbox, kNearHandle, kHandle, kMsgOut, kMsgIn, kOutParam, kBadPointer, kNowait,
    kTimeout, kForever, kTaskId, kImage, kData, kRights, kRaw, kMode, kFlags, kSize, kMapped,
    kCapacity, kOutParam2, kBit, kMapRights,
    kKinds
  };

  uint64_t argument(Reader& in, Kind kind) {
    Arena& a = *m_arena;
    switch (kind) {
      case kSmall: return in.byte() % 8;
      case kInbox: return HB_INBOX;
      case kNearHandle: return (in.byte() % 24) | ((in.byte() % 3) << 12);
      case kHandle: return known_handle(m_slot, in.byte());
      case kMsgOut: return reinterpret_cast<uint64_t>(a.out(in.byte() % 4));
      case kMsgIn: return reinterpret_cast<uint64_t>(a.in(in.byte() % 4));
      case kOutParam: return reinterpret_cast<uint64_t>(a.out_params(0));
      case kBadPointer: return in.byte() % 2 ? 8 : a.poison_address();
      case kNowait: return HB_NOWAIT;
      case kTimeout: return 1000ull << (in.byte() % 20);
      case kForever: return HB_FOREVER;
      case kTaskId: return m_ids[in.byte() % kTasks] + (in.byte() % 4 == 0 ? 1 : 0);
      case kImage: return reinterpret_cast<uint64_t>(a.image());
      case kData: return reinterpret_cast<uint64_t>(a.data(in.byte() % 7));
      case kRights: return HB_RIGHTS_ALL & in.byte();
      case kMode: return in.byte() % 3;
      case kFlags: return in.byte() % 4;
      case kSize: return 1ull << (in.byte() % 22);
      case kMapRights: return in.byte() % 2 ? HB_RIGHT_READ : HB_RIGHT_READ | HB_RIGHT_WRITE;
      case kBit: return in.byte() % 3 == 0 ? 1 : 0;  // HB_SEND_SYNC / HB_RECV_FROM or not
      case kOutParam2: return reinterpret_cast<uint64_t>(a.out_params(1));
      case kCapacity: return in.byte() % 2 ? 0 : 1 + in.byte() % 3;
      case kMapped: return m_mapped[m_slot] + (in.byte() % 4 == 0 ? 4096 : 0);
      default: return in.u64();
    }
  }

  Kind timeout_kind(Reader& in) {
    static const Kind kinds[] = {kNowait, kNowait, kTimeout, kForever};
    return kinds[in.byte() % 4];
  }

  // The usual shape of each syscall's arguments (harbor/abi/syscalls.h).
  void shape(uint32_t number, Reader& in, Kind k[6]) {
    for (int i = 0; i < 6; ++i) k[i] = kSmall;
    Kind handle = in.byte() % 4 ? kHandle : kInbox;
    switch (number) {
      case HB_SYS_PORT_CREATE: k[0] = kMode; k[1] = kCapacity; k[2] = kFlags; k[3] = kOutParam;
        k[4] = kOutParam2; break;
      case HB_SYS_SEND: k[0] = handle; k[1] = kMsgOut; k[2] = kBit; k[3] = timeout_kind(in); break;
      case HB_SYS_SEND_TASK: k[0] = kTaskId; k[1] = kMsgOut; k[2] = kBit; k[3] = timeout_kind(in); break;
      case HB_SYS_RECV: k[0] = handle; k[1] = kMsgIn; k[2] = kBit; k[3] = timeout_kind(in); break;
      case HB_SYS_CALL: k[0] = handle; k[1] = kMsgOut; k[2] = kMsgIn; k[3] = timeout_kind(in); break;
      case HB_SYS_REPLY: k[0] = kHandle; k[1] = kMsgOut; break;
      case HB_SYS_REPLY_RECV: k[0] = kHandle; k[1] = kMsgOut; k[2] = handle; k[3] = kMsgIn;
        k[4] = timeout_kind(in); break;
      case HB_SYS_HANDLE_CLOSE: k[0] = kHandle; break;
      case HB_SYS_HANDLE_DUP: k[0] = kHandle; k[1] = kRights; k[2] = kOutParam; break;
      case HB_SYS_HANDLE_INFO: k[0] = handle; k[1] = kOutParam; break;
      case HB_SYS_BADGE_MINT: k[0] = kHandle; k[1] = kSmall; k[2] = kOutParam; break;
      case HB_SYS_REGION_CREATE: k[0] = kSize; k[1] = kSmall; k[2] = kOutParam; break;
      case HB_SYS_REGION_MAP: k[0] = kHandle; k[1] = kMapRights; k[2] = kOutParam; break;
      case HB_SYS_REGION_UNMAP: k[0] = kMapped; break;
      case HB_SYS_REGION_REVOKE: k[0] = kHandle; break;
      case HB_SYS_SEM_CREATE: k[0] = kSmall; k[1] = kSmall; k[2] = kOutParam; break;
      case HB_SYS_SEM_WAIT: k[0] = kHandle; k[1] = timeout_kind(in); break;
      case HB_SYS_SEM_POST: k[0] = kHandle; k[1] = kSmall; break;
      case HB_SYS_TASK_SPAWN: k[0] = kImage; k[1] = kMsgOut; k[2] = kOutParam; break;
      case HB_SYS_TASK_WAIT: k[0] = kTaskId; k[1] = kOutParam; k[2] = timeout_kind(in); break;
      case HB_SYS_DEBUG_WRITE: k[0] = kData; k[1] = kSmall; break;
      case HB_SYS_TASK_KILL: k[0] = kTaskId; break;
      default: break;
    }
    // Now and then one argument of any kind at all.
    if (in.byte() % 4 == 0) k[in.byte() % 6] = static_cast<Kind>(in.byte() % kKinds);
  }

  void syscall(Reader& in, int slot) {
    kernel::Task* t = task(slot);
    if (!t) {
      respawn(slot);
      return;
    }
    uint32_t number = in.byte() % (HB_SYS_COUNT + 2);
    if (number == HB_SYS_TASK_SPAWN && m_kernel->task_count() > 24) number = HB_SYS_YIELD;
    Kind kinds[6];
    shape(number, in, kinds);
    m_slot = slot;
    // The handle lists of the prepared messages name this task's own handles (mostly).
    for (int i = 1; i < 3; ++i)
      for (int h = 0; h < 2; ++h) m_arena->handles(i)[h] = known_handle(slot, in.byte());
    uint64_t args[6];
    for (int i = 0; i < 6; ++i) args[i] = argument(in, kinds[i]);
    for (int i = 0; i < 2; ++i) *m_arena->out_params(i) = 0;
    if (t->context()) t->context()->resumed = false;  // the task runs again
    int64_t result = harbor::test::enter_syscall(*m_kernel, *t, number, args);
    if (result != kernel::kBlocked && result < 0 && result < -12)
      std::abort();  // every failure is one of the HB_ERR_* codes
    if (number < 32) {
      if (result == kernel::kBlocked) ++g_stats.blocked[number];
      else if (result >= 0) ++g_stats.ok[number];
      else ++g_stats.failed[number];
    }
    // Remember handle numbers the kernel hands out, to use them later.
    // Remember the handle numbers the kernel hands this task (receives write them into
    // the handle arrays; creates into the out-params), to use them in later steps.
    if (result == HB_OK && number == HB_SYS_REGION_MAP)
      m_mapped[slot] = *reinterpret_cast<uint64_t*>(m_arena->out_params(0));
    if (result == HB_OK) {
      for (int i = 0; i < 2; ++i) remember(slot, *m_arena->out_params(i));
      for (int i = 0; i < 4; ++i)
        for (uint32_t h = 0; h < m_arena->in(i)->handle_count && h < 4; ++h)
          remember(slot, m_arena->handles(i)[h]);
    }
    if (number == HB_SYS_TASK_EXIT && !task(slot)) respawn(slot);
  }

  // One of the handles this task was given lately (its inbox if none yet).
  hb_handle_t known_handle(int slot, uint8_t pick) {
    uint32_t known = m_next[slot] < 8 ? m_next[slot] : 8;
    return known ? static_cast<hb_handle_t>(m_handles[slot][pick % known]) : HB_INBOX;
  }

  void remember(int slot, int64_t handle) {
    if (handle > 0 && handle < INT32_MAX)
      m_handles[slot][m_next[slot]++ % 8] = static_cast<uint32_t>(handle);
  }

  Arena* m_arena;
  int m_slot{0};
  uint32_t m_handles[kTasks][8]{};
  uint32_t m_next[kTasks]{};
  uint64_t m_mapped[kTasks]{};  // the last region mapping each task made
  kernel::Kernel* m_kernel{nullptr};
  uint64_t m_heap_at_start{0};
  hb_task_id_t m_ids[kTasks]{};
};

}  // namespace

// How often each syscall returned HB_OK / an error / blocked, over all runs (printed by the
// driver with --stats): shows that the fuzzer gets past argument checking.
FuzzStats g_stats;

int harbor_fuzz_one_input(const uint8_t* data, size_t size) {
  Reader in(data, size);
  Fuzzer fuzzer;
  fuzzer.run(in);
  return 0;
}

#ifdef HARBOR_LIBFUZZER
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return harbor_fuzz_one_input(data, size);
}
#endif
