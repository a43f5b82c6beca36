// IPv4 addresses and CIDR blocks as numbers: parsing (strict dotted quads, no leading zeros that
// inet_aton would read as octal), containment and overlap. Used by the gateway to enforce security
// group ingress on a client's address and by the EC2 model. Pure; no resolver, no sockets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace borealis {

struct Ipv4Cidr {
  std::uint32_t network = 0;  // host byte order, host bits zero
  int prefix = 0;             // 0..32

  std::uint32_t mask() const { return prefix == 0 ? 0u : ~std::uint32_t{0} << (32 - prefix); }
  bool contains(std::uint32_t address) const { return (address & mask()) == network; }
  bool overlaps(const Ipv4Cidr& other) const {
    const int p = prefix < other.prefix ? prefix : other.prefix;
    const std::uint32_t m = p == 0 ? 0u : ~std::uint32_t{0} << (32 - p);
    return (network & m) == (other.network & m);
  }
  std::string to_string() const;
};

// "a.b.c.d" with each part 0..255 in plain decimal; nullopt otherwise.
std::optional<std::uint32_t> parse_ipv4(std::string_view text);
// "a.b.c.d/n"; the host bits must be zero (AWS refuses 10.0.0.1/16 for a VPC, and a rule that
// looks narrower than it is would be a trap). nullopt otherwise.
std::optional<Ipv4Cidr> parse_ipv4_cidr(std::string_view text);
std::string ipv4_to_string(std::uint32_t address);

}  // namespace borealis
