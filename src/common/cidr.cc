// IPv4 and CIDR parsing and formatting (see cidr.h).
#include "common/cidr.h"

namespace borealis {
namespace {

// A decimal number without sign or leading zero, at most `max`; nullopt otherwise.
std::optional<std::uint32_t> parse_decimal(std::string_view text, std::uint32_t max) {
  if (text.empty() || text.size() > 3) return std::nullopt;  // 255 and 32 have at most three digits
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  std::uint32_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (value > max) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
  std::uint32_t address = 0;
  for (int octet = 0; octet < 4; ++octet) {
    std::size_t dot = text.find('.');
    std::string_view part = octet < 3 ? text.substr(0, dot) : text;
    if (octet < 3 && dot == std::string_view::npos) return std::nullopt;
    auto value = parse_decimal(part, 255);
    if (!value) return std::nullopt;
    address = (address << 8) | *value;
    if (octet < 3) text.remove_prefix(dot + 1);
  }
  return address;
}

std::optional<Ipv4Cidr> parse_cidr(std::string_view text) {
  std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto address = parse_ipv4(text.substr(0, slash));
  auto prefix = parse_decimal(text.substr(slash + 1), 32);
  if (!address || !prefix) return std::nullopt;
  return Ipv4Cidr{*address, static_cast<int>(*prefix)};
}

std::string format_ipv4(std::uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 0xff) + "." + std::to_string((a >> 8) & 0xff) +
         "." + std::to_string(a & 0xff);
}

std::string Ipv4Cidr::to_string() const { return format_ipv4(address) + "/" + std::to_string(prefix); }

}  // namespace borealis
