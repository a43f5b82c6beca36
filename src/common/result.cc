#include "common/result.h"

namespace borealis {

const char* to_string(Errc code) noexcept {
  switch (code) {
    case Errc::invalid_argument: return "invalid_argument";
    case Errc::protocol_violation: return "protocol_violation";
    case Errc::too_large: return "too_large";
    case Errc::auth_failed: return "auth_failed";
    case Errc::not_found: return "not_found";
    case Errc::already_exists: return "already_exists";
    case Errc::io_error: return "io_error";
    case Errc::timeout: return "timeout";
    case Errc::unavailable: return "unavailable";
    case Errc::unsupported: return "unsupported";
    case Errc::internal: return "internal";
  }
  return "unknown";
}

}  // namespace borealis
