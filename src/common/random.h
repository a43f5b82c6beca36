// Cryptographically strong randomness (OpenSSL's DRBG) for ids, nonces, cancel keys and salts.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace borealis::random {

// Fills `out`; aborts the process if the DRBG fails (nothing safe can continue without randomness).
void fill(std::span<std::uint8_t> out);
std::uint32_t u32();
// `n` lower-case hex characters.
std::string hex(std::size_t n);
// `n` characters from `alphabet`, uniformly (rejection sampling).
std::string from_alphabet(std::size_t n, std::string_view alphabet);

}  // namespace borealis::random
