// Parsing and formatting of SigV4 timestamps with C++20 calendar types (no locale, no time zone
// database, no libc time functions that depend on TZ).
#include "sigv4/amz_date.h"

namespace borealis::sigv4 {
namespace {

bool digits(std::string_view s) noexcept {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int number(std::string_view s) noexcept {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

std::optional<std::chrono::sys_days> parse_day(std::string_view ymd) {
  if (ymd.size() != kScopeDateLength || !digits(ymd)) return std::nullopt;
  const std::chrono::year_month_day day{std::chrono::year{number(ymd.substr(0, 4))},
                                        std::chrono::month{static_cast<unsigned>(number(ymd.substr(4, 2)))},
                                        std::chrono::day{static_cast<unsigned>(number(ymd.substr(6, 2)))}};
  if (!day.ok()) return std::nullopt;
  return std::chrono::sys_days{day};
}

void append_padded(std::string& out, long value, int width) {
  std::string digits_text = std::to_string(value);
  if (static_cast<int>(digits_text.size()) < width) out.append(width - digits_text.size(), '0');
  out += digits_text;
}

}  // namespace

bool is_scope_date(std::string_view text) { return parse_day(text).has_value(); }

std::optional<Seconds> parse_amz_date(std::string_view text) {
  if (text.size() != kAmzDateLength || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  const auto day = parse_day(text.substr(0, 8));
  const std::string_view hms = text.substr(9, 6);
  if (!day || !digits(hms)) return std::nullopt;
  const int h = number(hms.substr(0, 2));
  const int m = number(hms.substr(2, 2));
  const int s = number(hms.substr(4, 2));
  if (h > 23 || m > 59 || s > 59) return std::nullopt;
  return Seconds{*day} + std::chrono::hours{h} + std::chrono::minutes{m} + std::chrono::seconds{s};
}

std::string format_amz_date(Seconds t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{t - day};
  std::string out;
  out.reserve(kAmzDateLength);
  append_padded(out, static_cast<int>(ymd.year()), 4);
  append_padded(out, static_cast<unsigned>(ymd.month()), 2);
  append_padded(out, static_cast<unsigned>(ymd.day()), 2);
  out.push_back('T');
  append_padded(out, hms.hours().count(), 2);
  append_padded(out, hms.minutes().count(), 2);
  append_padded(out, hms.seconds().count(), 2);
  out.push_back('Z');
  return out;
}

}  // namespace borealis::sigv4
