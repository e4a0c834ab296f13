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
#include <harbor/sys.h>
#include <hosted/channel.h>

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "../raw_syscall.h"
#include "attach.h"
#include "channel_lock.h"

// Defined (weak here, so it is null unless linked in) by Harbor::testing.
extern "C" __attribute__((weak)) const char hb_runtime_attach_explicitly;

namespace harbor::runtime {

namespace {

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
  return std::atomic_ref<int64_t>(c->result).load(std::memory_order_relaxed);
}

bool attach_channel(int fd) {
  hosted::Channel* page = map_channel(fd);
  if (!page) return false;
  std::lock_guard<std::recursive_mutex> guard(g_call_mutex);
  g_explicit.store(true);
  std::call_once(g_attach_once, [] {});  // the environment has no say any more
  if (hosted::Channel* old = g_channel.exchange(page)) munmap(old, hosted::kChannelSize);
  forget_start_args();  // a new task: its start message is still to be received
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
