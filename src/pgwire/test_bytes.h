// Test-only helpers for writing protocol bytes by hand, so expected values in the tests read like
// the PostgreSQL "Message Formats" documentation rather than like the encoder under test.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace borealis::pgwire::test_bytes {

// Bytes from small integers: bytes({'R', 0, 0, 0, 8, 0, 0, 0, 0}).
inline std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

inline std::string be32(std::uint32_t v) {
  return bytes({static_cast<int>(v >> 24), static_cast<int>((v >> 16) & 0xff),
                static_cast<int>((v >> 8) & 0xff), static_cast<int>(v & 0xff)});
}

// Literal with embedded NULs: lit("user\0bob\0").
template <std::size_t N>
std::string lit(const char (&s)[N]) {
  return std::string(s, N - 1);
}

// A typed message with a correct length field.
inline std::string frame(char type, std::string_view body) {
  return std::string(1, type) + be32(static_cast<std::uint32_t>(4 + body.size())) + std::string(body);
}

// An untyped initial packet: length, code, body.
inline std::string initial(std::uint32_t code, std::string_view body) {
  return be32(static_cast<std::uint32_t>(8 + body.size())) + be32(code) + std::string(body);
}

// name\0value\0 ... \0
inline std::string params_body(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [n, v] : params) {
    out += n;
    out.push_back('\0');
    out += v;
    out.push_back('\0');
  }
  out.push_back('\0');
  return out;
}

}  // namespace borealis::pgwire::test_bytes
