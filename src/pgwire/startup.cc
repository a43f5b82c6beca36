// Decoder for the first packet of a connection (StartupMessage, SSLRequest, GSSENCRequest,
// CancelRequest). Pure. It must never read past `buf`, never wait for more bytes than
// kMaxStartupPacket, and never accept a packet PostgreSQL itself would refuse: the gateway relies on
// a `ready` StartupMessage having a non-empty user and unique parameter names.
#include "pgwire/startup.h"

#include <fmt/core.h>

#include <algorithm>
#include <string>
#include <utility>

#include "pgwire/constants.h"
#include "pgwire/reader.h"

namespace borealis::pgwire {
namespace {

// Length field plus request code / protocol version: the smallest possible initial packet.
constexpr std::size_t kInitialHeaderSize = 8;
// SSLRequest and GSSENCRequest carry nothing but their code.
constexpr std::size_t kSslRequestSize = 8;
// CancelRequest: length, code, pid, secret key (protocol 3.0 keys are one int32).
constexpr std::size_t kCancelRequestSize = 16;
// Special request codes all share this major number, chosen by PostgreSQL to never be a version.
constexpr std::uint32_t kRequestCodeMajor = 1234;
constexpr std::uint32_t kSupportedMajor = 3;
// Client-controlled names are quoted in error text that reaches logs and the client; cut them short.
constexpr std::size_t kMaxQuotedName = 64;

Error violation(std::string message) { return make_error(Errc::protocol_violation, std::move(message)); }

// Renders untrusted bytes safely for an error message: printable ASCII kept, everything else
// escaped, so a parameter name cannot forge log lines or carry terminal escapes.
std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < kMaxQuotedName; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  if (s.size() > kMaxQuotedName) out += "...";
  out.push_back('"');
  return out;
}

// Parses the body of a StartupMessage: name\0value\0 ... \0, where the terminating empty name must
// be the very last byte (PostgreSQL's "expected terminator as last byte").
Result<StartupMessage> parse_startup_body(std::int32_t protocol, std::string_view body) {
  StartupMessage msg;
  msg.protocol = protocol;
  detail::Reader r(body);
  for (;;) {
    auto name = r.cstring();
    if (!name) {
      return violation("invalid startup packet layout: expected terminator as last byte");
    }
    if (name->empty()) break;  // the terminator
    auto value = r.cstring();
    if (!value) {
      return violation(fmt::format("invalid startup packet layout: parameter {} has no value",
                                   quoted(*name)));
    }
    if (msg.has(*name)) {
      // Which copy would win is ambiguous between implementations; refuse rather than guess.
      return violation(fmt::format("duplicate startup parameter {}", quoted(*name)));
    }
    if (msg.params.size() >= kMaxStartupParams) {
      return make_error(Errc::too_large, fmt::format("too many startup parameters (limit {})",
                                                     kMaxStartupParams));
    }
    msg.params.emplace_back(std::string(*name), std::string(*value));
  }
  if (!r.at_end()) {
    return violation("invalid startup packet layout: expected terminator as last byte");
  }
  if (msg.user().empty()) {
    return violation("no PostgreSQL user name specified in startup packet");
  }
  return msg;
}

InitialDecode fail(Error error) {
  InitialDecode d;
  d.status = InitialDecode::Status::error;
  d.error = std::move(error);
  return d;
}

template <class Packet>
InitialDecode ready(Packet packet, std::size_t consumed) {
  InitialDecode d;
  d.status = InitialDecode::Status::ready;
  d.packet = std::move(packet);
  d.consumed = consumed;
  return d;
}

}  // namespace

std::string_view StartupMessage::get(std::string_view name) const {
  for (const auto& [n, v] : params) {
    if (n == name) return v;
  }
  return {};
}

bool StartupMessage::has(std::string_view name) const {
  return std::any_of(params.begin(), params.end(), [&](const auto& p) { return p.first == name; });
}

std::string_view StartupMessage::database() const {
  std::string_view db = get("database");
  return db.empty() ? user() : db;
}

InitialDecode decode_initial(std::string_view buf) {
  // Checks run in a fixed order (length, then code, then body), each as soon as its bytes are
  // present. A prefix of a packet therefore yields either need_more or the same verdict as the whole
  // packet, and a hostile length is refused before anything is buffered for it.
  if (buf.size() < 4) return {};
  auto length = static_cast<std::int32_t>(detail::load_be32(buf.data()));
  if (length < static_cast<std::int32_t>(kInitialHeaderSize)) {
    return fail(violation(fmt::format("invalid length of startup packet: {}", length)));
  }
  auto len = static_cast<std::size_t>(length);
  if (len > kMaxStartupPacket) {
    return fail(make_error(Errc::too_large,
                           fmt::format("invalid length of startup packet: {} (limit {})", len,
                                       kMaxStartupPacket)));
  }
  if (buf.size() < kInitialHeaderSize) return {};

  std::uint32_t code = detail::load_be32(buf.data() + 4);
  std::uint32_t major = code >> 16;
  std::uint32_t minor = code & 0xffff;
  auto signed_code = static_cast<std::int32_t>(code);
  std::size_t expected_len = 0;  // 0: variable (StartupMessage)
  if (signed_code == kSslRequestCode || signed_code == kGssEncRequestCode) {
    expected_len = kSslRequestSize;
  } else if (signed_code == kCancelRequestCode) {
    expected_len = kCancelRequestSize;
  } else if (major == kRequestCodeMajor) {
    return fail(violation(fmt::format("unrecognized request code {}.{}", major, minor)));
  } else if (major != kSupportedMajor) {
    // Any 3.x is accepted: the gateway answers NegotiateProtocolVersion for minor > 0.
    // Errc::unsupported: PostgreSQL answers this one with SQLSTATE 0A000, not a protocol violation.
    return fail(make_error(Errc::unsupported, fmt::format(
        "unsupported frontend protocol {}.{}: server supports {}.0 to {}.0", major, minor,
        kSupportedMajor, kSupportedMajor)));
  }
  if (expected_len != 0 && len != expected_len) {
    const char* what = signed_code == kSslRequestCode     ? "SSL request"
                       : signed_code == kGssEncRequestCode ? "GSSENC request"
                                                           : "cancel request";
    return fail(violation(fmt::format("invalid length of {}: {} (expected {})", what, len,
                                      expected_len)));
  }
  if (buf.size() < len) return {};

  if (signed_code == kSslRequestCode) return ready(SslRequest{}, len);
  if (signed_code == kGssEncRequestCode) return ready(GssEncRequest{}, len);
  if (signed_code == kCancelRequestCode) {
    CancelRequest c;
    c.pid = static_cast<std::int32_t>(detail::load_be32(buf.data() + 8));
    c.secret = static_cast<std::int32_t>(detail::load_be32(buf.data() + 12));
    return ready(c, len);
  }
  auto msg = parse_startup_body(signed_code, buf.substr(kInitialHeaderSize, len - kInitialHeaderSize));
  if (!msg) return fail(std::move(msg).error());
  return ready(std::move(msg).value(), len);
}

}  // namespace borealis::pgwire
