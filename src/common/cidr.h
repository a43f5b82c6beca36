// IPv4 addresses and CIDR blocks: parsing (strict dotted quads, prefix 0-32), containment and overlap.
// Pure; no I/O. Never accepts a leading zero, a sign, spaces or an out-of-range octet, so the text a
// user typed maps to exactly one block.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace borealis {

struct Ipv4Cidr {
  std::uint32_t address = 0;  // host byte order, as typed (host bits may be set; see is_canonical)
  int prefix = 0;             // 0..32

  std::uint32_t mask() const { return prefix == 0 ? 0u : ~std::uint32_t{0} << (32 - prefix); }
  std::uint32_t first() const { return address & mask(); }
  std::uint32_t last() const { return first() | ~mask(); }
  // No host bits set: "10.0.0.0/16", not "10.0.0.1/16".
  bool is_canonical() const { return address == first(); }
  // The block with the host bits cleared.
  Ipv4Cidr network() const { return Ipv4Cidr{first(), prefix}; }
  std::string to_string() const;

  bool contains(std::uint32_t ip) const { return (ip & mask()) == first(); }
  // Every address of `inner` is in this block.
  bool contains(const Ipv4Cidr& inner) const { return inner.prefix >= prefix && contains(inner.first()); }
  bool overlaps(const Ipv4Cidr& other) const { return contains(other.first()) || other.contains(first()); }
};

// "a.b.c.d" → address; nullopt when malformed.
std::optional<std::uint32_t> parse_ipv4(std::string_view text);
// "a.b.c.d/n" → block; nullopt when malformed. Host bits are kept (check is_canonical).
std::optional<Ipv4Cidr> parse_cidr(std::string_view text);
std::string format_ipv4(std::uint32_t address);

}  // namespace borealis
