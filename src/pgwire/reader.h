// Internal to pgwire: a bounds-checked cursor over an untrusted message body. Every read either
// succeeds entirely inside the body or fails and leaves the cursor where it was; nothing here can
// read past the end, and C strings are only found by searching within the remaining bytes.
// Not part of the public contract (the gateway never includes it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace borealis::pgwire::detail {

// Wire integers are big-endian two's complement; assembling them from unsigned bytes avoids both
// alignment assumptions and signed-shift UB.
inline std::uint32_t load_be32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (std::uint32_t{u[0]} << 24) | (std::uint32_t{u[1]} << 16) | (std::uint32_t{u[2]} << 8) |
         std::uint32_t{u[3]};
}

class Reader {
 public:
  explicit Reader(std::string_view body) : rest_(body) {}

  std::size_t remaining() const { return rest_.size(); }
  bool at_end() const { return rest_.empty(); }
  std::string_view rest() const { return rest_; }

  std::optional<char> byte() {
    if (rest_.empty()) return std::nullopt;
    char c = rest_.front();
    rest_.remove_prefix(1);
    return c;
  }

  std::optional<std::int32_t> i32() {
    if (rest_.size() < 4) return std::nullopt;
    // The int32 on the wire is signed; converting the uint32 bit pattern is well-defined in C++20.
    auto v = static_cast<std::int32_t>(load_be32(rest_.data()));
    rest_.remove_prefix(4);
    return v;
  }

  std::optional<std::string_view> bytes(std::size_t n) {
    if (rest_.size() < n) return std::nullopt;
    std::string_view v = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return v;
  }

  // A NUL-terminated string; the terminator is consumed but not returned. Fails (without moving)
  // when no NUL is left in the body, so an unterminated string can never run into the next frame.
  std::optional<std::string_view> cstring() {
    std::size_t nul = rest_.find('\0');
    if (nul == std::string_view::npos) return std::nullopt;
    std::string_view v = rest_.substr(0, nul);
    rest_.remove_prefix(nul + 1);
    return v;
  }

 private:
  std::string_view rest_;
};

}  // namespace borealis::pgwire::detail
