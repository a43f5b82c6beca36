// gssenc packet framing (see gssenc.h). Must never read beyond the caller's buffer and never trust
// a length word before checking it against the phase's cap.
#include "pgwire/gssenc.h"

#include <fmt/core.h>

#include <cstdint>

#include "pgwire/reader.h"
#include "pgwire/writer.h"

namespace borealis::pgwire {
namespace {

const char* phase_name(GssEncPhase phase) {
  return phase == GssEncPhase::handshake ? "GSSAPI handshake token" : "GSSAPI-encrypted packet";
}

}  // namespace

std::size_t gssenc_max_token(GssEncPhase phase) noexcept {
  return phase == GssEncPhase::handshake ? kGssEncMaxHandshakeToken : kGssEncMaxDataToken;
}

GssEncDecode decode_gssenc_packet(std::string_view buf, GssEncPhase phase) {
  GssEncDecode d;
  if (buf.size() < kGssEncLengthBytes) return d;  // need_more
  // Unsigned on purpose: PostgreSQL reads it as uint32, so a "negative" length is just too large.
  const std::uint32_t length = detail::load_be32(buf.data());
  const std::size_t cap = gssenc_max_token(phase);
  if (length == 0) {
    d.status = GssEncDecode::Status::error;
    d.error = make_error(Errc::protocol_violation, fmt::format("empty {}", phase_name(phase)));
    return d;
  }
  if (length > cap) {
    d.status = GssEncDecode::Status::error;
    d.error = make_error(Errc::too_large, fmt::format("{} of {} bytes exceeds the {}-byte cap", phase_name(phase),
                                                      length, cap));
    return d;
  }
  const std::size_t total = kGssEncLengthBytes + length;  // cannot overflow: length <= cap
  if (buf.size() < total) {
    d.wanted = total;
    return d;
  }
  d.status = GssEncDecode::Status::packet;
  d.consumed = total;
  d.body = buf.substr(kGssEncLengthBytes, length);
  return d;
}

Status encode_gssenc_packet(std::string& out, std::string_view token, GssEncPhase phase) {
  if (token.empty()) {
    return make_error(Errc::invalid_argument, fmt::format("refusing to send an empty {}", phase_name(phase)));
  }
  const std::size_t cap = gssenc_max_token(phase);
  if (token.size() > cap) {
    return make_error(Errc::too_large, fmt::format("refusing to send a {} of {} bytes (cap {})", phase_name(phase),
                                                   token.size(), cap));
  }
  detail::put_i32(out, static_cast<std::int32_t>(static_cast<std::uint32_t>(token.size())));
  out.append(token);
  return ok_status();
}

}  // namespace borealis::pgwire
