// userland/runtime/start.cc - hb_start_args and hb_print (harbor/runtime.h).
#include <harbor/runtime.h>

#include <cstring>

namespace {

char g_bytes[HB_MSG_MAX + 1];  // the start message, NUL-terminated once more for safety
const char* g_argv[HB_START_ARGS_MAX + 1];
hb_start_info g_info;
hb_status_t g_status = HB_ERR_WOULD_BLOCK;
bool g_received = false;

}  // namespace

extern "C" hb_status_t hb_start_args(hb_start_info* out) {
  if (!g_received) {
    g_received = true;
    hb_msg_in in{};
    in.data = g_bytes;
    in.cap = HB_MSG_MAX;
    in.handles = g_info.handles;
    in.handle_cap = HB_MSG_HANDLES_MAX;
    // The start message was queued before this task ran: it is first, and already there.
    g_status = hb_recv(HB_INBOX, &in, 0, HB_NOWAIT);
    if (g_status == HB_OK) {
      g_bytes[in.len] = '\0';
      uint32_t argc = 0;
      for (uint32_t at = 0; at < in.len && argc < HB_START_ARGS_MAX;) {
        g_argv[argc++] = g_bytes + at;
        at += static_cast<uint32_t>(std::strlen(g_bytes + at)) + 1;
      }
      g_argv[argc] = nullptr;
      g_info.argc = argc;
      g_info.argv = g_argv;
      g_info.handle_count = in.handle_count;
      g_info.sender = in.sender;
    }
  }
  if (g_status == HB_OK && out) *out = g_info;
  return g_status;
}

namespace harbor::runtime {

// hosted/attach.h: attach_channel() starts a new task in this process.
void forget_start_args() {
  g_received = false;
  g_status = HB_ERR_WOULD_BLOCK;
  g_info = hb_start_info{};
}

}  // namespace harbor::runtime

extern "C" hb_status_t hb_print(const char* text) {
  return hb_debug_write(text, static_cast<uint32_t>(std::strlen(text)));
}
