#include "api/tags.h"

#include <algorithm>
#include <cctype>

#include "api/input_check.h"

namespace borealis::api {
namespace {

// Characters of well-formed UTF-8 text: every byte that does not continue a sequence starts one.
std::size_t characters(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// RDS's class outside ASCII lets every well-formed character through: telling letters from symbols
// there needs Unicode tables borealis does not carry.
bool restricted_char_ok(char c) {
  if (static_cast<unsigned char>(c) >= 0x80) return true;
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view(" _.:/=+-@").find(c) != std::string_view::npos;
}

std::optional<std::string> text_problem(std::string_view text, const char* what, std::size_t min, std::size_t max,
                                        bool restricted) {
  if (!valid_utf8(text)) return std::string(what) + " is not valid UTF-8";
  const std::size_t length = characters(text);
  if (length < min || length > max)
    return std::string(what) + " must be " + std::to_string(min) + " to " + std::to_string(max) + " characters long";
  if (restricted && !std::all_of(text.begin(), text.end(), restricted_char_ok))
    return std::string(what) + " may contain only letters, digits, white space and _.:/=+-@";
  return std::nullopt;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const auto a = static_cast<unsigned char>(text[i]);
    const auto b = static_cast<unsigned char>(prefix[i]);
    if (std::tolower(a) != std::tolower(b)) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> tag_problem(std::string_view key, std::string_view value,
                                       std::initializer_list<std::string_view> reserved_prefixes, bool restricted_charset) {
  if (auto p = text_problem(key, "Tag key", 1, kMaxTagKeyChars, restricted_charset)) return p;
  for (std::string_view prefix : reserved_prefixes) {
    if (starts_with_ignoring_case(key, prefix))
      return "Tag keys starting with '" + std::string(prefix) + "' are reserved (" + std::string(key) + ")";
  }
  return text_problem(value, "Tag value", 0, kMaxTagValueChars, restricted_charset);
}

}  // namespace borealis::api
