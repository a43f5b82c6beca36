// SigV4 timestamps: "YYYYMMDDTHHMMSSZ" (X-Amz-Date) and the "YYYYMMDD" of a credential scope, both
// UTC. Strict: exactly that shape, a real calendar date, hours < 24, minutes and seconds < 60.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace borealis::sigv4 {

using Clock = std::chrono::system_clock;
using Seconds = std::chrono::sys_seconds;

constexpr std::size_t kAmzDateLength = 16;  // 20261128T123456Z
constexpr std::size_t kScopeDateLength = 8;  // 20261128

std::optional<Seconds> parse_amz_date(std::string_view text);
std::string format_amz_date(Seconds t);
bool is_scope_date(std::string_view text);

}  // namespace borealis::sigv4
