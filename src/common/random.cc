#include "common/random.h"

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>

namespace borealis::random {

void fill(std::span<std::uint8_t> out) {
  if (out.empty()) return;
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    std::fputs("borealis: RAND_bytes failed; refusing to continue without randomness\n", stderr);
    std::abort();
  }
}

std::uint32_t u32() {
  std::uint8_t b[4];
  fill(b);
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
}

std::string hex(std::size_t n) { return from_alphabet(n, "0123456789abcdef"); }

std::string from_alphabet(std::size_t n, std::string_view alphabet) {
  std::string out;
  out.reserve(n);
  const std::size_t limit = 256 - (256 % alphabet.size());  // reject the biased tail
  while (out.size() < n) {
    std::uint8_t buf[64];
    fill(buf);
    for (std::uint8_t b : buf) {
      if (b >= limit) continue;
      out.push_back(alphabet[b % alphabet.size()]);
      if (out.size() == n) break;
    }
  }
  return out;
}

}  // namespace borealis::random
