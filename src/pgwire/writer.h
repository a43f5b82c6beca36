// Internal to pgwire: append-only helpers the encoders share. They write big-endian integers and
// C strings into a std::string byte buffer and back-patch the length field of a message once its
// body is written, so no encoder computes a length by hand. Not part of the public contract.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace borealis::pgwire::detail {

inline void put_u32_at(std::string& out, std::size_t pos, std::uint32_t v) {
  out[pos] = static_cast<char>((v >> 24) & 0xff);
  out[pos + 1] = static_cast<char>((v >> 16) & 0xff);
  out[pos + 2] = static_cast<char>((v >> 8) & 0xff);
  out[pos + 3] = static_cast<char>(v & 0xff);
}

inline void put_i32(std::string& out, std::int32_t v) {
  std::size_t pos = out.size();
  out.append(4, '\0');
  put_u32_at(out, pos, static_cast<std::uint32_t>(v));
}

// Writes `s` as a C string. A NUL inside `s` would end the field early and let the rest be read as
// further fields or even further messages (injection), so only the part before the first NUL is
// written: the message stays well-formed whatever the caller passes.
inline void put_cstring(std::string& out, std::string_view s) {
  out.append(s.substr(0, s.find('\0')));
  out.push_back('\0');
}

// Starts a typed message: type byte plus a placeholder length; returns where the length lives.
inline std::size_t begin_message(std::string& out, char type) {
  out.push_back(type);
  std::size_t len_pos = out.size();
  out.append(4, '\0');
  return len_pos;
}

// Starts an untyped packet (StartupMessage, SSLRequest, ...): only the placeholder length.
inline std::size_t begin_packet(std::string& out) {
  std::size_t len_pos = out.size();
  out.append(4, '\0');
  return len_pos;
}

// Fills in the length, which counts itself and the body but not the type byte. Callers only encode
// what borealis generated or already bounded by a cap (at most kMaxRelayedMessage), far below the
// int32 limit; the assert documents that precondition.
inline void end_message(std::string& out, std::size_t len_pos) {
  std::size_t len = out.size() - len_pos;
  assert(len <= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()));
  put_u32_at(out, len_pos, static_cast<std::uint32_t>(len));
}

}  // namespace borealis::pgwire::detail
