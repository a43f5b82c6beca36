#include "iam/pattern.h"

namespace borealis::iam {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

void push(Pattern& p, char c, bool wild) {
  p.chars.push_back(c);
  p.wild.push_back(wild ? 1 : 0);
}

void push_literal(Pattern& p, std::string_view s) {
  for (char c : s) push(p, c, false);
}

void push_written(Pattern& p, std::string_view s) {
  for (char c : s) push(p, c, c == '*' || c == '?');
}

// Resolves the inside of ${...}; nullopt when the key is absent and there is no default.
std::optional<std::string> resolve(std::string_view inner, const ContextKeys& keys) {
  if (inner == "*" || inner == "?" || inner == "$") return std::string(inner);
  auto trim = [](std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
  };
  std::string_view key = inner;
  std::optional<std::string> fallback;
  if (auto comma = inner.find(','); comma != std::string_view::npos) {
    key = inner.substr(0, comma);
    const std::string_view quoted = trim(inner.substr(comma + 1));
    if (quoted.size() < 2 || quoted.front() != '\'' || quoted.back() != '\'') return std::nullopt;
    // Inside the quotes, '' stands for one quote; a lone quote is malformed.
    std::string text;
    const std::string_view body = quoted.substr(1, quoted.size() - 2);
    for (std::size_t i = 0; i < body.size(); ++i) {
      if (body[i] == '\'') {
        if (i + 1 >= body.size() || body[i + 1] != '\'') return std::nullopt;
        ++i;
      }
      text.push_back(body[i]);
    }
    fallback = std::move(text);
  }
  key = trim(key);
  if (key.empty()) return std::nullopt;
  const auto* values = keys.find(key);
  // A multi-valued key cannot stand for one string.
  if (values && values->size() == 1) return values->front();
  return fallback;
}

// The '}' that ends a variable: braces inside a quoted default ('...}...') do not count.
std::size_t find_close(std::string_view written, std::size_t from) {
  bool quoted = false;
  for (std::size_t i = from; i < written.size(); ++i) {
    if (written[i] == '\'') quoted = !quoted;  // '' toggles twice: still inside the default
    else if (written[i] == '}' && !quoted) return i;
  }
  return std::string_view::npos;
}

template <class Sink>
bool expand(std::string_view written, const ContextKeys& keys, Sink&& sink) {
  std::size_t pos = 0;
  while (pos < written.size()) {
    const auto open = written.find("${", pos);
    if (open == std::string_view::npos) break;
    const auto close = find_close(written, open + 2);
    if (close == std::string_view::npos) return false;  // "${" never closed: malformed, matches nothing
    sink(written.substr(pos, open - pos), false);
    auto value = resolve(written.substr(open + 2, close - open - 2), keys);
    if (!value) return false;
    sink(*value, true);
    pos = close + 1;
  }
  sink(written.substr(pos), false);
  return true;
}

}  // namespace

Pattern literal_pattern(std::string_view written) {
  Pattern p;
  push_written(p, written);
  return p;
}

std::optional<Pattern> expand_variables(std::string_view written, const ContextKeys& keys) {
  Pattern p;
  const bool ok = expand(written, keys, [&](std::string_view s, bool substituted) {
    if (substituted) push_literal(p, s);
    else push_written(p, s);
  });
  if (!ok) return std::nullopt;
  return p;
}

std::optional<std::string> substitute_variables(std::string_view written, const ContextKeys& keys) {
  std::string out;
  if (!expand(written, keys, [&](std::string_view s, bool) { out.append(s); })) return std::nullopt;
  return out;
}

bool ascii_equals_ignore_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool glob_match(const Pattern& p, std::string_view t, bool ignore_case) noexcept {
  std::size_t pi = 0, ti = 0;
  std::size_t star = std::string::npos, star_ti = 0;
  const std::size_t n = p.chars.size();
  while (ti < t.size()) {
    if (pi < n && p.wild[pi] && p.chars[pi] == '*') {
      star = pi++;
      star_ti = ti;
      continue;
    }
    if (pi < n) {
      const bool any = p.wild[pi] && p.chars[pi] == '?';
      const bool same = ignore_case ? lower(p.chars[pi]) == lower(t[ti]) : p.chars[pi] == t[ti];
      if (any || same) {
        ++pi;
        ++ti;
        continue;
      }
    }
    if (star == std::string::npos) return false;
    // Let the last '*' swallow one more character and retry from there.
    pi = star + 1;
    ti = ++star_ti;
  }
  while (pi < n && p.wild[pi] && p.chars[pi] == '*') ++pi;
  return pi == n;
}

bool arn_match(const Pattern& p, std::string_view arn) noexcept {
  constexpr int kSplits = 5;  // arn:partition:service:region:account:resource
  std::size_t pstart = 0, tstart = 0;
  for (int part = 0; part <= kSplits; ++part) {
    std::size_t pend = p.chars.size(), tend = arn.size();
    if (part < kSplits) {
      pend = p.chars.find(':', pstart);
      tend = arn.find(':', tstart);
      if (pend == std::string::npos || tend == std::string_view::npos) return false;
    }
    Pattern piece;
    piece.chars = p.chars.substr(pstart, pend - pstart);
    piece.wild.assign(p.wild.begin() + static_cast<std::ptrdiff_t>(pstart),
                      p.wild.begin() + static_cast<std::ptrdiff_t>(pend));
    if (!glob_match(piece, arn.substr(tstart, tend - tstart), false)) return false;
    pstart = pend + 1;
    tstart = tend + 1;
  }
  return true;
}

}  // namespace borealis::iam
