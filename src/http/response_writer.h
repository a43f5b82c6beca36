// Serialises an http::Response to HTTP/1.1 bytes: status line with its reason phrase, the handler's
// headers, then the framing headers the server owns (Content-Length, Connection, Date). Pure: the
// caller passes the time. It must never emit a header the handler could use to split the response:
// handler headers with CR, LF or NUL, or that name a framing header, are left out.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "http/message.h"

namespace borealis::http {

struct WriteOptions {
  bool close = false;             // adds "Connection: close" (the server closes after writing)
  bool keep_alive_header = false; // adds "Connection: keep-alive" (an HTTP/1.0 client kept open)
  bool head = false;              // a reply to HEAD: Content-Length of the body, but no body bytes
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
};

// "OK", "Not Found", ...; "Unknown" for a status without a standard phrase.
std::string_view reason_phrase(int status) noexcept;

// IMF-fixdate, as the Date header wants it: "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(std::chrono::system_clock::time_point t);

// False for a header the writer leaves out: a name that is not a token, a value with CR/LF/NUL or
// other control bytes, or a header the server sets itself (Content-Length, Transfer-Encoding,
// Connection, Date).
bool writable_header(const Header& header) noexcept;

// The whole response. A status outside 100..599 is written as 500 (a handler bug must not produce an
// unparsable reply). 1xx, 204 and 304 carry no body; 1xx and 204 no Content-Length either.
std::string write_response(const Response& response, const WriteOptions& options);

// A short text/plain response for the server's own errors (parse errors, 503, 500).
Response text_response(int status, std::string_view text);

}  // namespace borealis::http
