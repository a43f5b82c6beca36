// Percent-encoding, Trimall and dot-segment removal for SigV4 canonical requests (see encoding.h).
// Never logs: the inputs include header values that may carry tokens.
#include "sigv4/encoding.h"

#include <vector>

namespace borealis::sigv4 {
namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_python_ascii_space(unsigned char c) noexcept {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

}  // namespace

void uri_encode_append(std::string& out, std::string_view in, bool keep_slash) {
  // Runs of characters that stay as they are are appended in one piece: tokens are mostly such runs.
  std::size_t run = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (is_unreserved(c) || (keep_slash && c == '/')) continue;
    out.append(in.data() + run, i - run);
    out.push_back('%');
    out.push_back(kHexUpper[c >> 4]);
    out.push_back(kHexUpper[c & 0x0f]);
    run = i + 1;
  }
  out.append(in.data() + run, in.size() - run);
}

std::string uri_encode(std::string_view in, bool keep_slash) {
  std::string out;
  out.reserve(in.size() + in.size() / 2);
  uri_encode_append(out, in, keep_slash);
  return out;
}

bool percent_decode_append(std::string& out, std::string_view in) {
  std::size_t pos = in.find('%');
  std::size_t run = 0;
  while (pos != std::string_view::npos) {
    if (in.size() - pos < 3) return false;
    const int hi = hex_value(in[pos + 1]);
    const int lo = hex_value(in[pos + 2]);
    if (hi < 0 || lo < 0) return false;
    out.append(in.data() + run, pos - run);
    out.push_back(static_cast<char>(hi * 16 + lo));
    run = pos + 3;
    pos = in.find('%', run);
  }
  out.append(in.data() + run, in.size() - run);
  return true;
}

std::optional<std::string> percent_decode(std::string_view in) {
  if (in.find('%') == std::string_view::npos) return std::string(in);  // the common case: nothing encoded
  std::string out;
  out.reserve(in.size());
  if (!percent_decode_append(out, in)) return std::nullopt;
  return out;
}

std::string trim_all(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (unsigned char c : value) {
    if (is_python_ascii_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(static_cast<char>(c));
  }
  return out;
}

std::string normalize_path(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out;
  out.reserve(path.size() + 1);
  if (path.front() == '/') out.push_back('/');
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    out.append(segments[i]);
  }
  if (path.back() == '/' && !segments.empty()) out.push_back('/');
  return out;
}

bool is_lower_hex(std::string_view s) noexcept {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string join_with(char separator, std::initializer_list<std::string_view> parts) {
  std::size_t size = parts.size();
  for (std::string_view p : parts) size += p.size();
  std::string out;
  out.reserve(size);
  bool first = true;
  for (std::string_view p : parts) {
    if (!first) out.push_back(separator);
    first = false;
    out += p;
  }
  return out;
}

}  // namespace borealis::sigv4
