// Decoder for the first packet of a connection (no type byte): StartupMessage, SSLRequest,
// GSSENCRequest, CancelRequest. Pure: it looks at bytes and says what they are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/result.h"

namespace borealis::pgwire {

struct StartupMessage {
  std::int32_t protocol = 0;  // major << 16 | minor
  // In the order the client sent them; names are unique (a repeated name is a protocol violation).
  std::vector<std::pair<std::string, std::string>> params;

  // Value of a parameter, or empty view when absent.
  std::string_view get(std::string_view name) const;
  bool has(std::string_view name) const;
  std::string_view user() const { return get("user"); }
  // PostgreSQL's rule: database defaults to the user name.
  std::string_view database() const;
};

struct SslRequest {};
struct GssEncRequest {};
struct CancelRequest {
  std::int32_t pid = 0;
  std::int32_t secret = 0;
};

using InitialPacket = std::variant<StartupMessage, SslRequest, GssEncRequest, CancelRequest>;

// Outcome of feeding bytes to the decoder.
struct InitialDecode {
  enum class Status { need_more, ready, error } status = Status::need_more;
  std::size_t consumed = 0;  // bytes of `buf` that formed the packet (when ready)
  InitialPacket packet;       // valid when ready
  Error error;                // valid when error (protocol_violation, too_large, or unsupported for a
                              // protocol version other than 3.x), client-safe text
};

// Looks at the start of `buf`. Errors: length < 8 or > kMaxStartupPacket, unknown request code,
// protocol major version other than 3, a parameter list without its terminators, too many
// parameters, an empty or missing "user", duplicated parameter names, wrong length for
// SSL/GSSENC (8) and Cancel (16) requests.
InitialDecode decode_initial(std::string_view buf);

}  // namespace borealis::pgwire
