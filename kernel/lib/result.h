// kernel/lib/result.h - Result<T>: a value or an Error, and TRY() to propagate (STYLE 8).
#pragma once

#include <kernel/lib/status.h>
#include <kernel/lib/kassert.h>

#include <new>
#include <type_traits>
#include <utility>

namespace kernel {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : m_ok(true) { new (&m_storage) T(std::move(value)); }
  Result(Error error) : m_ok(false), m_error(error) {}
  Result(Result&& other) noexcept : m_ok(other.m_ok), m_error(other.m_error) {
    if (m_ok) new (&m_storage) T(std::move(other.value()));
  }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  ~Result() {
    if (m_ok) value().~T();
  }

  bool ok() const { return m_ok; }
  Error error() const {
    KASSERT(!m_ok, "Result::error() on a value");
    return m_error;
  }
  T& value() {
    KASSERT(m_ok, "Result::value() on an error");
    return *reinterpret_cast<T*>(&m_storage);
  }
  T release_value() { return std::move(value()); }

 private:
  bool m_ok;
  Error m_error{Error::InvalidArg};
  alignas(T) unsigned char m_storage[sizeof(T)];
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : m_ok(false), m_error(error) {}
  bool ok() const { return m_ok; }
  Error error() const { return m_error; }
  void release_value() {}

 private:
  bool m_ok{true};
  Error m_error{Error::InvalidArg};
};

using Status = Result<void>;

}  // namespace kernel

// TRY(expr): evaluate a Result; on error return that error from the enclosing function,
// otherwise yield the value. (A GNU statement expression, supported by g++ and clang.)
#define TRY(expr)                                   \
  ({                                                \
    auto _try_result = (expr);                      \
    if (!_try_result.ok()) return _try_result.error(); \
    _try_result.release_value();                    \
  })
