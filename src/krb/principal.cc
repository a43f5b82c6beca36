#include "krb/principal.h"

namespace borealis::krb {

Result<Principal> parse_principal(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) {
    return make_error(Errc::invalid_argument, "principal contains a NUL byte");
  }
  const auto at = text.rfind('@');
  if (at == std::string_view::npos) return make_error(Errc::invalid_argument, "principal has no realm");
  if (at == 0) return make_error(Errc::invalid_argument, "principal has an empty name");
  if (at + 1 == text.size()) return make_error(Errc::invalid_argument, "principal has an empty realm");
  return Principal{std::string(text.substr(0, at)), std::string(text.substr(at + 1))};
}

bool principal_equals_ignore_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace borealis::krb
