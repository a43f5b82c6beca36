#include "iam/values.h"

#include <arpa/inet.h>

#include <charconv>
#include <cmath>
#include <string>

namespace borealis::iam {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

int digits(std::string_view s, std::size_t pos, std::size_t n, bool& ok) {
  if (pos + n > s.size()) {
    ok = false;
    return 0;
  }
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      ok = false;
      return 0;
    }
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic Gregorian date.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool valid_day(int y, int m, int d) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

}  // namespace

std::optional<std::int64_t> parse_date_millis(std::string_view s) noexcept {
  // Epoch seconds: AWS accepts them for Date operators. 11 digits reach year 5138: enough.
  if (all_digits(s) && s.size() <= 11) {
    std::int64_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v * 1000;
  }
  bool ok = true;
  std::size_t pos = 0;
  const int year = digits(s, 0, 4, ok);
  pos = 4;
  const bool basic = s.size() > 4 && s[4] != '-';  // 20261128T153351Z
  if (!basic) {
    if (pos >= s.size() || s[pos] != '-') return std::nullopt;
    ++pos;
  }
  const int month = digits(s, pos, 2, ok);
  pos += 2;
  if (!basic) {
    if (pos >= s.size() || s[pos] != '-') return std::nullopt;
    ++pos;
  }
  const int day = digits(s, pos, 2, ok);
  pos += 2;
  if (!ok || !valid_day(year, month, day)) return std::nullopt;
  std::int64_t millis = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86'400'000;
  if (pos == s.size()) return millis;
  if (s[pos] != 'T') return std::nullopt;
  ++pos;
  const int hour = digits(s, pos, 2, ok);
  pos += 2;
  if (!basic && pos < s.size() && s[pos] == ':') ++pos;
  const int minute = digits(s, pos, 2, ok);
  pos += 2;
  int second = 0;
  if (pos < s.size() && (s[pos] == ':' || (basic && s[pos] >= '0' && s[pos] <= '9'))) {
    if (s[pos] == ':') ++pos;
    second = digits(s, pos, 2, ok);
    pos += 2;
  }
  if (!ok || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  millis += (hour * 3600LL + minute * 60LL + second) * 1000;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int scale = 100;
    std::size_t n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (n < 3) millis += (s[pos] - '0') * scale, scale /= 10;
      ++pos;
      if (++n > 9) return std::nullopt;
    }
    if (n == 0) return std::nullopt;
  }
  if (pos == s.size()) return std::nullopt;  // a time needs a zone: AWS dates are UTC or offset
  if (s[pos] == 'Z') return pos + 1 == s.size() ? std::optional(millis) : std::nullopt;
  if (s[pos] != '+' && s[pos] != '-') return std::nullopt;
  const int sign = s[pos] == '+' ? 1 : -1;
  ++pos;
  const int oh = digits(s, pos, 2, ok);
  pos += 2;
  if (pos < s.size() && s[pos] == ':') ++pos;
  const int om = digits(s, pos, 2, ok);
  pos += 2;
  if (!ok || pos != s.size() || oh > 23 || om > 59) return std::nullopt;
  return millis - sign * (oh * 3600LL + om * 60LL) * 1000;
}

std::optional<double> parse_number(std::string_view s) noexcept {
  if (s.empty() || s.size() > 64) return std::nullopt;
  double v = 0;
  const char* begin = s.data();
  if (*begin == '+') return std::nullopt;
  auto [end, ec] = std::from_chars(begin, s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<bool> parse_bool(std::string_view s) noexcept {
  auto eq = [&](std::string_view w) {
    if (s.size() != w.size()) return false;
    for (std::size_t i = 0; i < s.size(); ++i)
      if ((s[i] | 0x20) != w[i]) return false;
    return true;
  };
  if (eq("true")) return true;
  if (eq("false")) return false;
  return std::nullopt;
}

std::optional<IpBlock> parse_ip_block(std::string_view s) noexcept {
  // Longest IPv6 text (45) plus "/128".
  if (s.empty() || s.size() > 49) return std::nullopt;
  std::string addr(s);
  int prefix = -1;
  if (auto slash = addr.find('/'); slash != std::string::npos) {
    std::string_view p = std::string_view(addr).substr(slash + 1);
    if (!all_digits(p) || p.size() > 3) return std::nullopt;
    prefix = 0;
    std::from_chars(p.data(), p.data() + p.size(), prefix);
    addr.resize(slash);
  }
  IpBlock b;
  if (inet_pton(AF_INET, addr.c_str(), b.bytes.data()) == 1) {
    b.v6 = false;
    if (prefix > 32) return std::nullopt;
    b.prefix = prefix < 0 ? 32 : prefix;
    return b;
  }
  if (inet_pton(AF_INET6, addr.c_str(), b.bytes.data()) == 1) {
    b.v6 = true;
    if (prefix > 128) return std::nullopt;
    b.prefix = prefix < 0 ? 128 : prefix;
    return b;
  }
  return std::nullopt;
}

bool ip_in_block(const IpBlock& address, const IpBlock& block) noexcept {
  if (address.v6 != block.v6) return false;
  int bits = block.prefix;
  for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
    const std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((address.bytes[i] & mask) != (block.bytes[i] & mask)) return false;
  }
  return true;
}

bool is_allowed_policy_text(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
      ++i;
      continue;
    }
    // Two-byte UTF-8 for U+0080..U+00FF is C2/C3 + continuation; anything else is out of range.
    if ((c != 0xc2 && c != 0xc3) || i + 1 >= s.size()) return false;
    const auto c2 = static_cast<unsigned char>(s[i + 1]);
    if ((c2 & 0xc0) != 0x80) return false;
    i += 2;
  }
  return true;
}

}  // namespace borealis::iam
