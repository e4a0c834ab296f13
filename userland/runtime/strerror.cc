// userland/runtime/strerror.cc - hb_strerror: a name for every status (no kernel call).
#include <harbor/sys.h>

extern "C" const char* hb_strerror(hb_status_t s) {
  switch (s) {
    case HB_OK: return "HB_OK";
    case HB_ERR_BAD_HANDLE: return "HB_ERR_BAD_HANDLE";
    case HB_ERR_ACCESS: return "HB_ERR_ACCESS";
    case HB_ERR_WOULD_BLOCK: return "HB_ERR_WOULD_BLOCK";
    case HB_ERR_TIMED_OUT: return "HB_ERR_TIMED_OUT";
    case HB_ERR_PEER_CLOSED: return "HB_ERR_PEER_CLOSED";
    case HB_ERR_NO_MEMORY: return "HB_ERR_NO_MEMORY";
    case HB_ERR_TOO_BIG: return "HB_ERR_TOO_BIG";
    case HB_ERR_FAULT: return "HB_ERR_FAULT";
    case HB_ERR_INVALID_ARG: return "HB_ERR_INVALID_ARG";
    case HB_ERR_BUFFER_TOO_SMALL: return "HB_ERR_BUFFER_TOO_SMALL";
    case HB_ERR_NOT_FOUND: return "HB_ERR_NOT_FOUND";
    case HB_ERR_WRONG_TYPE: return "HB_ERR_WRONG_TYPE";
    case HB_ERR_ALREADY_EXISTS: return "HB_ERR_ALREADY_EXISTS";
    default: return "HB_ERR_UNKNOWN";
  }
}
