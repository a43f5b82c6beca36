// Hashes, MACs and encodings over OpenSSL 3, with RAII inside. Pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "common/result.h"

namespace borealis::crypto {

using Digest32 = std::array<std::uint8_t, 32>;

Digest32 sha256(std::string_view data);
// SHA-256 of the parts one after another, without joining them first: a secret can be hashed behind
// a label with no copy of it left anywhere.
Digest32 sha256_concat(std::initializer_list<std::string_view> parts);
Digest32 hmac_sha256(std::string_view key, std::string_view data);
// PBKDF2-HMAC-SHA-256 with a 32-byte output (SCRAM's Hi()).
Digest32 pbkdf2_sha256(std::string_view password, std::string_view salt, int iterations);
std::string hex_encode(std::string_view bytes);
// The lower-case hex of a digest in a fixed array: no allocation (SigV4 hex-encodes two per request).
std::array<char, 64> hex_digest(const Digest32& digest);
std::string base64_encode(std::string_view bytes);
// Strict: rejects characters outside the alphabet, bad padding and embedded whitespace.
Result<std::string> base64_decode(std::string_view text);
// Compares in time independent of where the inputs differ (lengths may leak).
bool constant_time_equal(std::string_view a, std::string_view b);

inline std::string_view as_view(const Digest32& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

}  // namespace borealis::crypto
