// HTTP/1.1 response serialisation (see response_writer.h). No I/O; never throws on handler data.
#include "http/response_writer.h"

#include <ctime>

#include <fmt/core.h>

#include "http/syntax.h"

namespace borealis::http {
std::string_view reason_phrase(int status) noexcept {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

std::string http_date(std::chrono::system_clock::time_point t) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{}, {:02d} {} {:04d} {:02d}:{:02d}:{:02d} GMT", kDays[tm.tm_wday % 7], tm.tm_mday,
                     kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

bool writable_header(const Header& header) noexcept {
  if (!is_token(header.name)) return false;
  if (!is_field_value(header.value)) return false;
  for (std::string_view owned : {"content-length", "transfer-encoding", "connection", "date"}) {
    if (equals_ignore_case(header.name, owned)) return false;
  }
  return true;
}

std::string write_response(const Response& response, const WriteOptions& options) {
  int status = response.status >= 100 && response.status <= 599 ? response.status : 500;
  bool informational = status < 200;
  bool no_body = informational || status == 204 || status == 304;
  bool no_length = informational || status == 204;

  std::string out;
  out.reserve(256 + response.body.size());
  out += fmt::format("HTTP/1.1 {} {}\r\n", status, reason_phrase(status));
  for (const Header& h : response.headers) {
    if (!writable_header(h)) continue;
    out += h.name;
    out += ": ";
    out += h.value;
    out += "\r\n";
  }
  if (!informational) {
    out += "Date: ";
    out += http_date(options.now);
    out += "\r\n";
  }
  if (!no_length) out += fmt::format("Content-Length: {}\r\n", no_body ? 0 : response.body.size());
  if (options.close) {
    out += "Connection: close\r\n";
  } else if (options.keep_alive_header) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
  if (!no_body && !options.head) out += response.body;
  return out;
}

Response text_response(int status, std::string_view text) {
  Response r;
  r.status = status;
  r.headers.push_back(Header{"Content-Type", "text/plain; charset=utf-8"});
  r.body.assign(text);
  r.body += '\n';
  return r;
}

}  // namespace borealis::http
