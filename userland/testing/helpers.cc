// userland/testing/helpers.cc - recv, send, call and reply for tests (harbor/testing.hpp):
// each one bounded by a timeout, each error a GoogleTest failure that says what it means.
#include <gtest/gtest.h>

#include <string>

#include <harbor/testing.hpp>

namespace harbor::testing {

namespace {

hb_time_t to_timeout(Milliseconds timeout) {
  if (timeout.count() <= 0) return HB_NOWAIT;
  return static_cast<hb_time_t>(timeout.count()) * 1000000ull;
}

std::string handle_text(hb_handle_t handle) {
  char text[32];
  std::snprintf(text, sizeof text, "0x%x", static_cast<unsigned>(handle));
  return text;
}

// What a status usually means in a test, in one phrase.
const char* meaning(hb_status_t status) {
  switch (status) {
    case HB_ERR_TIMED_OUT: return "nobody acted in time: is the other task blocked, or gone?";
    case HB_ERR_PEER_CLOSED: return "the other side is gone: it exited, crashed or closed its handle";
    case HB_ERR_BAD_HANDLE: return "this task has no such handle (was it moved away already?)";
    case HB_ERR_ACCESS: return "the handle lacks the right for this";
    case HB_ERR_WRONG_TYPE: return "the handle names another kind of object";
    case HB_ERR_BUFFER_TOO_SMALL: return "the message is larger than HB_MSG_MAX";
    default: return "see docs/syscalls.md";
  }
}

std::string failure(const char* call, hb_handle_t handle, hb_status_t status,
                    Milliseconds timeout) {
  std::string text = std::string("harbor::testing::") + call + "(handle " + handle_text(handle) +
                     ") in task " + std::to_string(hb_task_self()) + ": " + hb_strerror(status);
  if (status == HB_ERR_TIMED_OUT) text += " after " + std::to_string(timeout.count()) + " ms";
  return text + " - " + meaning(status);
}

}  // namespace

Message recv(hb_handle_t port, Milliseconds timeout) {
  Message message;
  std::string buffer(HB_MSG_MAX, '\0');
  hb_handle_t handles[HB_MSG_HANDLES_MAX];
  hb_msg_in in{};
  in.data = buffer.data();
  in.cap = HB_MSG_MAX;
  in.handles = handles;
  in.handle_cap = HB_MSG_HANDLES_MAX;
  message.status = hb_recv(port, &in, 0, to_timeout(timeout));
  if (message.status != HB_OK) {
    ADD_FAILURE() << failure("recv", port, message.status, timeout);
    return message;
  }
  buffer.resize(in.len);
  message.data = std::move(buffer);
  for (uint32_t i = 0; i < in.handle_count; ++i) message.handles.emplace_back(handles[i]);
  message.sender = in.sender;
  message.badge = in.badge;
  message.reply = harbor::Handle(in.reply);
  return message;
}

bool send(hb_handle_t port, std::string_view data, std::vector<hb_handle_t> handles,
          Milliseconds timeout) {
  hb_msg_out out{};
  out.data = data.data();
  out.len = static_cast<uint32_t>(data.size());
  out.handles = handles.data();
  out.handle_count = static_cast<uint32_t>(handles.size());
  hb_status_t status = hb_send(port, &out, 0, to_timeout(timeout));
  if (status != HB_OK) ADD_FAILURE() << failure("send", port, status, timeout);
  return status == HB_OK;
}

std::string call(hb_handle_t port, std::string_view request, Milliseconds timeout) {
  std::string answer(HB_MSG_MAX, '\0');
  hb_msg_out out{};
  out.data = request.data();
  out.len = static_cast<uint32_t>(request.size());
  hb_msg_in in{};
  in.data = answer.data();
  in.cap = HB_MSG_MAX;
  hb_status_t status = hb_call(port, &out, &in, to_timeout(timeout));
  if (status != HB_OK) {
    ADD_FAILURE() << failure("call", port, status, timeout);
    return {};
  }
  answer.resize(in.len);
  return answer;
}

bool reply(Message& request, std::string_view answer) {
  if (!request.reply) {
    ADD_FAILURE() << "harbor::testing::reply: the message has no reply handle (it was sent "
                     "with hb_send, not hb_call, or was answered already)";
    return false;
  }
  hb_msg_out out{};
  out.data = answer.data();
  out.len = static_cast<uint32_t>(answer.size());
  hb_handle_t handle = request.reply.release();  // hb_reply consumes it, answered or not
  hb_status_t status = hb_reply(handle, &out);
  if (status != HB_OK) ADD_FAILURE() << failure("reply", handle, status, Milliseconds(0));
  return status == HB_OK;
}

}  // namespace harbor::testing
