// userland/runtime/hosted/channel_lock.h - for the hosted runtime's own files: the task's
// channel page, held so that a call and reading what the emulator left in the page beside
// its answer (region.cc: the map_* fields) are one step no other thread can get between.
#pragma once

#include <hosted/channel.h>

namespace harbor::runtime {

class ChannelLock {
 public:
  ChannelLock();  // waits for the calls of other threads of this process; raw_syscall inside is fine
  ~ChannelLock();
  ChannelLock(const ChannelLock&) = delete;
  ChannelLock& operator=(const ChannelLock&) = delete;

  hosted::Channel* page() const { return m_channel; }

 private:
  hosted::Channel* m_channel;
};

}  // namespace harbor::runtime
