// An HTTP/1.1 request and response as plain data: what the parser (request_parser.h) produces and
// the server writes back. No I/O here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace borealis::http {

struct Header {
  std::string name;  // as received (HTTP names are case-insensitive; use find_header)
  std::string value;  // leading and trailing spaces/tabs removed
};

struct Request {
  std::string method;  // "GET", "POST"
  std::string target;  // as received: "/path?query"
  std::string path;    // the part before '?', not decoded
  std::string query;   // the part after '?', not decoded; "" when absent
  std::vector<Header> headers;  // in order; repeated names stay separate entries
  std::string body;

  // The first header with this name (ASCII case-insensitive), or nullptr.
  const std::string* header(std::string_view name) const {
    for (const auto& h : headers) {
      if (h.name.size() != name.size()) continue;
      bool same = true;
      for (std::size_t i = 0; i < name.size() && same; ++i) {
        char a = h.name[i], b = name[i];
        if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
        same = a == b;
      }
      if (same) return &h.value;
    }
    return nullptr;
  }
};

struct Response {
  int status = 200;
  std::vector<Header> headers;  // Content-Length and Connection are added by the server
  std::string body;
};

}  // namespace borealis::http
