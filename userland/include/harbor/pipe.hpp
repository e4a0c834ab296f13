// harbor/pipe.hpp - the C++ face of harbor/pipe.h: move-only pipe ends that close themselves
// (with hb_pipe_close, which also forgets a read end's tail), reads and writes returning
// harbor::Result.
//
//   auto pipe = harbor::Pipe::create();                 // capacity: HB_PIPE_CAPACITY_DEFAULT
//   if (!pipe) return pipe.error();
//   pipe->write.write(harbor::as_bytes("hello"));       // Result<size_t>: 5
//   pipe->write.reset();                                // closed: end of file for the reader
//   std::byte buf[64];
//   auto n = pipe->read.read(buf);                      // 5, then 0 at end of file
#pragma once

#include <harbor/ipc.hpp>
#include <harbor/pipe.h>

#include <cstddef>
#include <span>
#include <utility>

namespace harbor {

class PipeEnd {
 public:
  PipeEnd() = default;
  explicit PipeEnd(hb_handle_t end) : m_end(end) {}
  PipeEnd(PipeEnd&& other) noexcept : m_end(other.release()) {}
  PipeEnd& operator=(PipeEnd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  PipeEnd(const PipeEnd&) = delete;
  PipeEnd& operator=(const PipeEnd&) = delete;
  ~PipeEnd() { reset(); }

  hb_handle_t get() const { return m_end; }
  bool valid() const { return m_end != HB_INVALID; }
  explicit operator bool() const { return valid(); }
  // Gives up ownership (e.g. the end was moved into a start message).
  hb_handle_t release() { return std::exchange(m_end, HB_INVALID); }
  void reset(hb_handle_t end = HB_INVALID) {
    if (m_end != HB_INVALID) hb_pipe_close(m_end);
    m_end = end;
  }
  // Another write end (a read end cannot be duplicated: HB_ERR_ACCESS).
  Result<PipeEnd> dup() const {
    hb_handle_t out = HB_INVALID;
    hb_status_t s = hb_handle_dup(m_end, HB_RIGHTS_SAME, &out);
    if (s != HB_OK) return Result<PipeEnd>::error_of(s);
    return PipeEnd(out);
  }
  // hb_pipe_read: the bytes read (0 at end of file), or its error.
  Result<size_t> read(std::span<std::byte> buffer, hb_time_t timeout = HB_FOREVER) const {
    return result(hb_pipe_read(m_end, buffer.data(), size_of(buffer.size()), timeout));
  }
  // hb_pipe_write: the bytes written (all of them, or a short count, docs/pipes.md).
  Result<size_t> write(std::span<const std::byte> data, hb_time_t timeout = HB_FOREVER) const {
    return result(hb_pipe_write(m_end, data.data(), size_of(data.size()), timeout));
  }

 private:
  static uint32_t size_of(size_t n) { return n > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(n); }
  static Result<size_t> result(int64_t n) {
    if (n < 0) return Result<size_t>::error_of(static_cast<hb_status_t>(n));
    return static_cast<size_t>(n);
  }
  hb_handle_t m_end{HB_INVALID};
};

struct Pipe {
  PipeEnd read;
  PipeEnd write;

  static Result<Pipe> create(uint32_t capacity = 0) {
    hb_handle_t r = HB_INVALID, w = HB_INVALID;
    hb_status_t s = hb_pipe_create(capacity, &r, &w);
    if (s != HB_OK) return Result<Pipe>::error_of(s);
    return Pipe{PipeEnd(r), PipeEnd(w)};
  }

  // hb_fifo_open: `end` is HB_PIPE_READ or HB_PIPE_WRITE.
  static Result<PipeEnd> open_fifo(const char* name, uint32_t end, hb_time_t timeout = HB_FOREVER) {
    hb_handle_t out = HB_INVALID;
    hb_status_t s = hb_fifo_open(name, end, timeout, &out);
    if (s != HB_OK) return Result<PipeEnd>::error_of(s);
    return PipeEnd(out);
  }
};

}  // namespace harbor
