// Typed readings of the strings a policy condition compares: dates (ISO 8601 or epoch seconds),
// numbers, booleans, IP addresses and CIDR blocks, and the character rules of a policy document.
// Shared by the parser (which rejects values that can never match) and the evaluator (which reads
// request context values). Pure and total: every function answers "not a valid X" instead of throwing,
// and never allocates for more than its input.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace borealis::iam {

// Milliseconds since the Unix epoch. Accepts "2026-11-28", "2026-11-28T15:33:51Z",
// "2026-11-28T15:33:51.123Z", "2026-11-28T15:33:51+02:00", "20261128T153351Z" (SigV4's basic form)
// and epoch seconds ("1764344031"), the forms AWS documents for Date condition operators.
std::optional<std::int64_t> parse_date_millis(std::string_view text) noexcept;

// A decimal integer or float ("10", "-2.5", "1e3"); not NaN or infinity.
std::optional<double> parse_number(std::string_view text) noexcept;

// "true"/"false", case-insensitive as AWS compares Bool values.
std::optional<bool> parse_bool(std::string_view text) noexcept;

// An IPv4 or IPv6 address, optionally with /prefix; without one the block is the single address.
struct IpBlock {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};
  int prefix = 0;
};
std::optional<IpBlock> parse_ip_block(std::string_view text) noexcept;
// Whether `address` (a block with a full prefix) lies in `block`. Families never match each other.
bool ip_in_block(const IpBlock& address, const IpBlock& block) noexcept;

// AWS's PolicyDocument pattern: tab, LF, CR and U+0020..U+00FF only, in valid UTF-8.
bool is_allowed_policy_text(std::string_view utf8) noexcept;

}  // namespace borealis::iam
