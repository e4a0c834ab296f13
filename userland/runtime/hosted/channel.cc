// userland/runtime/hosted/channel.cc - a hosted task's trap into the kernel: the syscall
// channel page shared with the emulator (protocol and layout: hosted/channel.h).
//
// Start-up: the emulator forks and execs the task with the channel's memfd at fd 3 and
// HARBOR_CHANNEL_FD=3 in its environment. The runtime maps the page the first time it is
// needed (a constructor does it before main, so a program started outside harbor-emu learns
// it at once), then closes the fd and forgets the variable, so that programs this task
// might exec by itself do not inherit a channel that is not theirs.
//
// Attached explicitly (Harbor::testing, hosted/attach.h): a test program is no task when it
// starts. It defines hb_runtime_attach_explicitly, so a missing HARBOR_CHANNEL_FD is not an
// error; attach_channel() later makes it (the test body) or a child it forked (a function
// run as a task) a task. Without a channel every call is HB_ERR_PEER_CLOSED, and so is one
// that finds its channel Dead (the machine forgot the task): the test process lives on.
#include <harbor/abi/syscalls.h>
#include <harbor/sys.h>
#include <hosted/channel.h>

#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "../../lib/pipe/tail.h"
#include "../raw_syscall.h"
#include "attach.h"
#include "channel_lock.h"

// Defined (weak here, so it is null unless linked in) by Harbor::testing.
extern "C" __attribute__((weak)) const char hb_runtime_attach_explicitly;

namespace harbor::runtime {

namespace {

// ---- Fault-safe access to the task's own memory (for staging, hosted/channel.h) --------
//
// A pointer passed to an hb_* call may be anything; the runtime must not crash on it where
// the kernel would answer HB_ERR_FAULT. Two tiny assembly routines touch user memory, each
// at exactly one instruction; the runtime's SIGSEGV/SIGBUS handler recognises a fault at
// that instruction and resumes at the routine's failure exit (the way a kernel's exception
// table works). Any other fault goes to the handler that was there before (the default
// action, or a sanitizer's), so a crash of the program is still a crash.
//   hb_rt_copy(dst, src, n): returns the number of bytes NOT copied (0: all);
//   hb_rt_probe_write(p, n): 0 if every page of [p, p + n) is writable (n > 0); it writes
//     each page with `lock or $0`, which changes no byte, also under other threads' writes.
extern "C" {
size_t hb_rt_copy(void* dst, const void* src, size_t n);
int hb_rt_probe_write(void* p, size_t n);
extern const char hb_rt_copy_insn[], hb_rt_copy_fixup[], hb_rt_probe_insn[],
    hb_rt_probe_fixup[];
}
#if defined(__x86_64__)
asm(R"(
  .text
  .globl hb_rt_copy
  .type hb_rt_copy, @function
hb_rt_copy:
  mov %rdx, %rcx
  .globl hb_rt_copy_insn
hb_rt_copy_insn:
  rep movsb
  xor %eax, %eax
  ret
  .globl hb_rt_copy_fixup
hb_rt_copy_fixup:
  mov %rcx, %rax
  ret
  .size hb_rt_copy, .-hb_rt_copy
  .globl hb_rt_probe_write
  .type hb_rt_probe_write, @function
hb_rt_probe_write:
  lea -1(%rdi,%rsi), %rdx
  mov %rdi, %rax
1:
  .globl hb_rt_probe_insn
hb_rt_probe_insn:
  lock orb $0, (%rax)
  and $-4096, %rax
  add $4096, %rax
  cmp %rdx, %rax
  jbe 1b
  xor %eax, %eax
  ret
  .globl hb_rt_probe_fixup
hb_rt_probe_fixup:
  mov $1, %eax
  ret
  .size hb_rt_probe_write, .-hb_rt_probe_write
)");
#else
// Elsewhere nothing is staged (every copy is the emulator's process_vm_*).
extern "C" size_t hb_rt_copy(void*, const void*, size_t n) { return n; }
extern "C" int hb_rt_probe_write(void*, size_t) { return 1; }
#endif

struct sigaction g_previous_segv;
struct sigaction g_previous_bus;

void on_fault(int sig, siginfo_t* info, void* context) {
#if defined(__x86_64__)
  auto* uc = static_cast<ucontext_t*>(context);
  greg_t& rip = uc->uc_mcontext.gregs[REG_RIP];
  if (rip == reinterpret_cast<greg_t>(hb_rt_copy_insn)) {
    rip = reinterpret_cast<greg_t>(hb_rt_copy_fixup);
    return;
  }
  if (rip == reinterpret_cast<greg_t>(hb_rt_probe_insn)) {
    rip = reinterpret_cast<greg_t>(hb_rt_probe_fixup);
    return;
  }
#endif
  // Not ours: what would have happened without us.
  const struct sigaction& previous = sig == SIGBUS ? g_previous_bus : g_previous_segv;
  if (previous.sa_flags & SA_SIGINFO) {
    previous.sa_sigaction(sig, info, context);
  } else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
    previous.sa_handler(sig);
  } else {
    sigaction(sig, &previous, nullptr);  // the faulting instruction runs again and ends us
    if (info->si_code <= 0) raise(sig);  // sent by someone (kill), not a fault
  }
}

std::once_flag g_fault_handler_once;

void install_fault_handler() {
  std::call_once(g_fault_handler_once, [] {
    struct sigaction action {};
    action.sa_sigaction = on_fault;
    action.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    sigaction(SIGSEGV, &action, &g_previous_segv);
    sigaction(SIGBUS, &action, &g_previous_bus);
  });
}

static_assert(hosted::kStageMax == HB_MSG_MAX, "a whole message rides in the page");
static_assert(hosted::kChannelSize - hosted::kStageOffset >=
                  2 * (uint64_t{HB_MSG_MAX} + HB_MSG_HANDLES_MAX * sizeof(hb_handle_t) + 16) +
                      sizeof(hb_msg_out) + sizeof(hb_msg_in) + 32,
              "hb_call and hb_reply_recv stage a whole message each way");

// Step (1) of staging: the ranges one syscall will have the kernel read and write.
class Stage {
 public:
  explicit Stage(hosted::Channel* c) : m_channel(c) {}

  // Stages [user, user + len): copies it in (kWindowRead) and/or probes it for writing
  // (kWindowWrite). nullptr, and nothing staged, when it does not fit or is not the task's.
  unsigned char* add(const void* user, uint64_t len, uint32_t flags) {
    uint64_t address = reinterpret_cast<uint64_t>(user);
    if (m_count == hosted::kMaxWindows || len == 0 || len > hosted::kStageMax ||
        len > hosted::kChannelSize - m_next || address + len < address)
      return nullptr;
    unsigned char* at = reinterpret_cast<unsigned char*>(m_channel) + m_next;
    if ((flags & hosted::kWindowRead) && hb_rt_copy(at, user, len) != 0) return nullptr;
    if ((flags & hosted::kWindowWrite) && hb_rt_probe_write(const_cast<void*>(user), len) != 0)
      return nullptr;
    hosted::ChannelWindow& w = m_channel->windows[m_count++];
    w.user = address;
    w.offset = static_cast<uint32_t>(m_next);
    w.len = static_cast<uint32_t>(len);
    w.flags = flags;
    w.written_lo = 0;
    w.written_hi = 0;
    m_next = (m_next + len + 15) & ~uint64_t{15};
    return at;
  }

  // What the kernel reads of a message it is to send.
  void message_out(uint64_t user) {
    if (!user) return;
    auto* staged = reinterpret_cast<const hb_msg_out*>(
        add(reinterpret_cast<const void*>(user), sizeof(hb_msg_out), hosted::kWindowRead));
    if (!staged) return;
    hb_msg_out out = *staged;  // our copy: what the kernel will see
    if (out.len <= HB_MSG_MAX) add(out.data, out.len, hosted::kWindowRead);
    if (out.handle_count <= HB_MSG_HANDLES_MAX)
      add(out.handles, uint64_t{out.handle_count} * sizeof(hb_handle_t), hosted::kWindowRead);
  }

  // What the kernel reads and writes of a receive buffer: the descriptor both ways, and as
  // much of the data (up to cap) and handle room as fits, probed for writing.
  void message_in(uint64_t user) {
    if (!user) return;
    auto* staged = reinterpret_cast<const hb_msg_in*>(
        add(reinterpret_cast<const void*>(user), sizeof(hb_msg_in),
            hosted::kWindowRead | hosted::kWindowWrite));
    if (!staged) return;
    hb_msg_in in = *staged;
    uint64_t room = hosted::kChannelSize - m_next;
    uint64_t data = std::min<uint64_t>({in.cap, room, hosted::kStageMax});
    add(in.data, data, hosted::kWindowWrite);
    uint32_t handles = std::min<uint32_t>(in.handle_cap, HB_MSG_HANDLES_MAX);
    add(in.handles, uint64_t{handles} * sizeof(hb_handle_t), hosted::kWindowWrite);
  }

  void publish() {
    std::atomic_ref<uint32_t>(m_channel->window_count).store(m_count, std::memory_order_relaxed);
  }

  // Step (6): what the kernel wrote into write windows goes out to the task's memory
  // (probed before the call, so it is writable unless another thread unmapped it since).
  void copy_out() const {
    for (uint32_t i = 0; i < m_count; ++i) {
      const hosted::ChannelWindow& w = m_channel->windows[i];
      if (!(w.flags & hosted::kWindowWrite)) continue;
      uint32_t lo = std::atomic_ref<uint32_t>(const_cast<uint32_t&>(w.written_lo)).load(std::memory_order_relaxed);
      uint32_t hi = std::atomic_ref<uint32_t>(const_cast<uint32_t&>(w.written_hi)).load(std::memory_order_relaxed);
      if (hi <= lo || hi > w.len) continue;
      (void)hb_rt_copy(reinterpret_cast<void*>(w.user + lo),
                       reinterpret_cast<const unsigned char*>(m_channel) + w.offset + lo, hi - lo);
    }
  }

 private:
  hosted::Channel* m_channel;
  uint64_t m_next{hosted::kStageOffset};
  uint32_t m_count{0};
};

// Which arguments of an IPC syscall are messages (harbor/abi/syscalls.h).
void stage_arguments(Stage& stage, uint32_t number, const uint64_t* args) {
  switch (number) {
    case HB_SYS_SEND:
    case HB_SYS_SEND_TASK:
    case HB_SYS_REPLY:
      stage.message_out(args[1]);
      break;
    case HB_SYS_RECV:
      stage.message_in(args[1]);
      break;
    case HB_SYS_CALL:
      stage.message_out(args[1]);
      stage.message_in(args[2]);
      break;
    case HB_SYS_REPLY_RECV:
      stage.message_out(args[1]);
      stage.message_in(args[3]);
      break;
    default:
      break;
  }
}

std::atomic<hosted::Channel*> g_channel{nullptr};
std::once_flag g_attach_once;
std::atomic<bool> g_explicit{false};  // attach_channel() was used: Dead is no reason to exit
// A task is one thread of control: calls from several threads of one process take turns.
// Recursive: the runtime's own files may hold it around a call (ChannelLock).
std::recursive_mutex g_call_mutex;

hosted::Channel* map_channel(int fd) {
  void* page = mmap(nullptr, hosted::kChannelSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (page == MAP_FAILED) return nullptr;
  if (static_cast<hosted::Channel*>(page)->magic != hosted::kChannelMagic) {
    munmap(page, hosted::kChannelSize);
    return nullptr;
  }
  return static_cast<hosted::Channel*>(page);
}

void attach() {
  const char* text = std::getenv(hosted::kChannelEnv);
  if (!text && (&hb_runtime_attach_explicitly != nullptr || g_explicit.load())) return;
  int fd = text ? std::atoi(text) : -1;
  void* page = MAP_FAILED;
  if (fd >= 0) page = mmap(nullptr, hosted::kChannelSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (page == MAP_FAILED ||
      static_cast<hosted::Channel*>(page)->magic != hosted::kChannelMagic) {
    static const char kMessage[] =
        "harbor: this program is a Harbor task; run it with harbor-emu "
        "(no syscall channel: HARBOR_CHANNEL_FD)\n";
    (void)!write(2, kMessage, sizeof kMessage - 1);
    _exit(127);
  }
  close(fd);
  unsetenv(hosted::kChannelEnv);
  install_fault_handler();
  g_channel.store(static_cast<hosted::Channel*>(page), std::memory_order_release);
}

hosted::Channel* channel() {
  std::call_once(g_attach_once, attach);
  return g_channel.load(std::memory_order_acquire);
}

// Attach before main (harmless if something already did; nothing to do for a program that
// attaches explicitly and was not started as a task).
__attribute__((constructor)) void attach_at_start() { channel(); }

}  // namespace

int64_t raw_syscall(uint32_t number, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                    uint64_t a4, uint64_t a5) {
  std::lock_guard<std::recursive_mutex> guard(g_call_mutex);
  hosted::Channel* c = channel();
  if (!c) return HB_ERR_PEER_CLOSED;  // attached explicitly, and not (or no longer) a task
  auto state = hosted::channel_state(c);
  // (1) the request
  std::atomic_ref<uint32_t>(c->number).store(number, std::memory_order_relaxed);
  const uint64_t args[6] = {a0, a1, a2, a3, a4, a5};
  for (int i = 0; i < 6; ++i)
    std::atomic_ref<uint64_t>(c->args[i]).store(args[i], std::memory_order_relaxed);
  Stage stage(c);
  stage_arguments(stage, number, args);
  stage.publish();
  // (2) post it and wake the serving thread if it sleeps. Attached explicitly, not over
  // Dead: this process outlives its task (Machine::detach_self), and would wait for an
  // answer forever (compare-exchange, so that a Dead written just now is seen too).
  // Otherwise Dead comes with SIGKILL, and Dead that the task wrote itself proves nothing.
  if (!g_explicit.load()) {
    if (state.exchange(hosted::kRequest, std::memory_order_acq_rel) & hosted::kServerSleeps)
      hosted::futex_wake_bits(&c->state, hosted::kServerBit);
  } else if (!hosted::channel_post(&c->state, hosted::kRequest, 0, hosted::kServerSleeps,
                                   hosted::kServerBit)) {
    return HB_ERR_PEER_CLOSED;
  }
  // (4) wait for the answer. While the serving thread works (Request, Serving) it runs on
  // our CPU: sleep. Blocked means the answer comes from another thread, which the machine
  // says runs on another CPU when it gives us a spin budget: spin that long first.
  uint32_t spin_ns = std::atomic_ref<uint32_t>(c->spin_ns).load(std::memory_order_relaxed);
  for (;;) {
    uint32_t seen = state.load(std::memory_order_acquire);
    if (hosted::state_of(seen) == hosted::kBlocked && spin_ns != 0) {
      uint32_t now = hosted::spin_while(&c->state, seen, spin_ns);
      if (now != seen) continue;
    }
    if (hosted::state_of(seen) == hosted::kResponse) break;
    if (hosted::state_of(seen) == hosted::kDead) {  // the kernel forgot us
      if (g_explicit.load()) return HB_ERR_PEER_CLOSED;  // e.g. Machine::detach_self
      _exit(127);  // we are being killed
    }
    if (!(seen & hosted::kTaskSleeps) &&
        !state.compare_exchange_strong(seen, seen | hosted::kTaskSleeps,
                                       std::memory_order_acq_rel))
      continue;
    hosted::futex_wait_bits(&c->state, seen | hosted::kTaskSleeps, hosted::kTaskBit);
  }
  // (6)
  stage.copy_out();
  return std::atomic_ref<int64_t>(c->result).load(std::memory_order_relaxed);
}

bool attach_channel(int fd) {
  hosted::Channel* page = map_channel(fd);
  if (!page) return false;
  std::lock_guard<std::recursive_mutex> guard(g_call_mutex);
  g_explicit.store(true);
  std::call_once(g_attach_once, [] {});  // the environment has no say any more
  install_fault_handler();
  if (hosted::Channel* old = g_channel.exchange(page)) munmap(old, hosted::kChannelSize);
  forget_start_args();  // a new task: its start message is still to be received
  hb_pipe_forget_tails();  // and the unread rest of its pipes' chunks is not the old task's
  return true;
}

void detach_channel() {
  std::lock_guard<std::recursive_mutex> guard(g_call_mutex);
  g_explicit.store(true);
  if (hosted::Channel* old = g_channel.exchange(nullptr)) munmap(old, hosted::kChannelSize);
}

// The channel is read under the lock: attach_channel may replace it.
ChannelLock::ChannelLock() : m_channel(nullptr) {
  g_call_mutex.lock();
  m_channel = channel();
}
ChannelLock::~ChannelLock() { g_call_mutex.unlock(); }

}  // namespace harbor::runtime
