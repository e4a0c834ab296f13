// userland/runtime/hosted/channel.cc - a hosted task's trap into the kernel: the syscall
// channel page shared with the emulator (protocol and layout: hosted/channel.h).
//
// Start-up: the emulator forks and execs the task with the channel's memfd at fd 3 and
// HARBOR_CHANNEL_FD=3 in its environment. The runtime maps the page the first time it is
// needed (a constructor does it before main, so a program started outside harbor-emu learns
// it at once), then closes the fd and forgets the variable, so that programs this task
// might exec by itself do not inherit a channel that is not theirs.
#include <hosted/channel.h>

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "../raw_syscall.h"
#include "channel_lock.h"

namespace harbor::runtime {

namespace {

hosted::Channel* g_channel = nullptr;
std::once_flag g_attach_once;
// A task is one thread of control: calls from several threads of one process take turns.
// Recursive: the runtime's own files may hold it around a call (ChannelLock).
std::recursive_mutex g_call_mutex;

void attach() {
  const char* text = std::getenv(hosted::kChannelEnv);
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
  g_channel = static_cast<hosted::Channel*>(page);
}

hosted::Channel* channel() {
  std::call_once(g_attach_once, attach);
  return g_channel;
}

// Attach before main (harmless if something already did).
__attribute__((constructor)) void attach_at_start() { channel(); }

}  // namespace

int64_t raw_syscall(uint32_t number, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                    uint64_t a4, uint64_t a5) {
  hosted::Channel* c = channel();
  std::lock_guard<std::recursive_mutex> guard(g_call_mutex);
  auto state = hosted::channel_state(c);
  // (1) the request
  std::atomic_ref<uint32_t>(c->number).store(number, std::memory_order_relaxed);
  const uint64_t args[6] = {a0, a1, a2, a3, a4, a5};
  for (int i = 0; i < 6; ++i)
    std::atomic_ref<uint64_t>(c->args[i]).store(args[i], std::memory_order_relaxed);
  // (2) post it and wake the serving thread
  state.store(hosted::kRequest, std::memory_order_release);
  hosted::futex_wake_all(&c->state);
  // (4) sleep on the same word until the answer is there; first spin a little if the
  // emulator says there are idle cores (the answer then comes without a sleep and a wake-up)
  uint32_t spin_ns = std::atomic_ref<uint32_t>(c->spin_ns).load(std::memory_order_relaxed);
  for (;;) {
    uint32_t seen = hosted::spin_while(&c->state, hosted::kRequest, spin_ns);
    if (seen == hosted::kServing) seen = hosted::spin_while(&c->state, hosted::kServing, spin_ns);
    if (seen == hosted::kResponse) break;
    if (seen == hosted::kDead) _exit(127);  // the kernel forgot us; we are being killed
    hosted::futex_wait(&c->state, seen);
  }
  // (6)
  return std::atomic_ref<int64_t>(c->result).load(std::memory_order_relaxed);
}

ChannelLock::ChannelLock() : m_channel(channel()) { g_call_mutex.lock(); }
ChannelLock::~ChannelLock() { g_call_mutex.unlock(); }

}  // namespace harbor::runtime
