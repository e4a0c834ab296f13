// tests/bench/linux_ipc.h - the Linux peers Harbor is measured against, in the same binary and
// the same run. Each round trip or stream uses two processes: this one (which measures) and a
// forked child (PR_SET_PDEATHSIG; killed and reaped after the batch). The caller sets the
// placement (PinScope) before calling: the child inherits it.
//
// Every blocking step is bounded: a pipe or socket sees end-of-file when the other process
// dies, and the message-queue and futex waits carry timeouts, so a batch never hangs.
#pragma once

#include <cstdint>

#include "common.h"

namespace bench {

enum class Peer {
  kPipe,           // two pipes, one per direction
  kUnixStream,     // socketpair(AF_UNIX, SOCK_STREAM)
  kUnixSeqpacket,  // socketpair(AF_UNIX, SOCK_SEQPACKET)
  kMessageQueue,   // two POSIX message queues (mq_open), one per direction
  kFutexShm,       // a MAP_SHARED page per direction: copy in, bump a futex word, FUTEX_WAKE
};

const char* peer_name(Peer peer);  // "pipe", "unix-stream", ...

// n round trips of `size` bytes each way (the child echoes what it reads).
Batch peer_round_trips(Peer peer, uint32_t size, uint64_t n);

// n one-way messages of `size` bytes, written one write() each and read one read() each
// (kPipe, kUnixStream only); the time ends when the reader has read them all (it acks).
Batch peer_stream(Peer peer, uint32_t size, uint64_t n);

// n transfers of `total` bytes through a pipe in kBulkChunk writes, from one process's
// buffer into another's (the reader acks each batch).
Batch pipe_bulk(uint64_t total, uint64_t n);

// n memcpy of `total` bytes between two buffers of this process: the bandwidth ceiling.
Batch memcpy_bulk(uint64_t total, uint64_t n);

// n process_vm_writev calls of `size` bytes into a child: the hosted kernel's copy primitive.
Batch process_vm_copies(uint32_t size, uint64_t n);

}  // namespace bench
