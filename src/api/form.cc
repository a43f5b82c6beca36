// Form decoding; see form.h.
#include "api/form.h"

#include <set>

namespace borealis::api {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes one key or value; `cap` bounds the decoded length.
Result<std::string> decode_component(std::string_view text, std::size_t cap, std::string_view what) {
  std::string out;
  out.reserve(text.size() < cap ? text.size() : cap);
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      c = ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) {
        return make_error(Errc::invalid_argument, "truncated percent escape in a form " + std::string(what));
      }
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return make_error(Errc::invalid_argument, "bad percent escape in a form " + std::string(what));
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (out.size() >= cap) return make_error(Errc::too_large, "a form " + std::string(what) + " is too long");
    out.push_back(c);
  }
  return out;
}

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

void encode_component(std::string_view text, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : text) {
    if (unreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
}

}  // namespace

Result<std::vector<FormParam>> parse_form(std::string_view body) {
  std::vector<FormParam> params;
  std::set<std::string, std::less<>> seen;
  std::size_t start = 0;
  while (start <= body.size()) {
    std::size_t end = body.find('&', start);
    if (end == std::string_view::npos) end = body.size();
    std::string_view pair = body.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) {
      if (end == body.size()) break;
      continue;  // "a=1&&b=2" and a trailing '&': browsers and curl send them; nothing is lost
    }
    if (params.size() >= kMaxFormParameters) {
      return make_error(Errc::too_large, "more than " + std::to_string(kMaxFormParameters) + " form parameters");
    }
    std::size_t eq = pair.find('=');
    auto key = decode_component(pair.substr(0, eq), kMaxFormKeyLength, "key");
    if (!key) return std::move(key).error();
    if (key->empty()) return make_error(Errc::invalid_argument, "a form parameter has an empty name");
    std::string_view raw_value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    auto value = decode_component(raw_value, kMaxFormValueLength, "value (parameter " + *key + ")");
    if (!value) return std::move(value).error();
    if (!seen.insert(*key).second) {
      return make_error(Errc::invalid_argument, "form parameter " + *key + " is given more than once");
    }
    params.push_back(FormParam{std::move(*key), std::move(*value)});
  }
  return params;
}

std::string encode_form(const std::vector<FormParam>& params) {
  std::string out;
  for (const auto& p : params) {
    if (!out.empty()) out.push_back('&');
    encode_component(p.key, out);
    out.push_back('=');
    encode_component(p.value, out);
  }
  return out;
}

}  // namespace borealis::api
