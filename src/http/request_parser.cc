// The incremental HTTP/1.1 request parser (see request_parser.h for the rules it enforces). It scans
// each byte once for line ends, parses each line once, and never throws or echoes input in errors.
#include "http/request_parser.h"

#include <algorithm>
#include <utility>

#include "http/syntax.h"

namespace borealis::http {
namespace {

// Content-Length digits beyond this cannot be a body under any cap we use (and would overflow).
constexpr std::size_t kMaxContentLengthDigits = 18;

// Header fields that are not lists and that the API reads; a repeat is refused.
constexpr std::string_view kSingletonHeaders[] = {"host", "authorization", "content-type"};

// request-target bytes: visible ASCII without '#' (a fragment is never sent).
bool is_target(std::string_view s) {
  for (unsigned char c : s) {
    if (c <= 0x20 || c >= 0x7f || c == '#') return false;
  }
  return true;
}

// Calls fn(element) for each comma-separated, OWS-trimmed element of a list header.
template <class Fn>
void for_each_element(std::string_view value, Fn&& fn) {
  while (true) {
    std::size_t comma = value.find(',');
    fn(trim_ows(value.substr(0, comma)));
    if (comma == std::string_view::npos) return;
    value.remove_prefix(comma + 1);
  }
}

}  // namespace

void RequestParser::reset() {
  ParserLimits limits = limits_;
  *this = RequestParser(limits);
}

ParseResult RequestParser::fail(int status, std::string_view reason) {
  phase_ = Phase::failed;
  error_ = ParseError{status, reason};
  ParseResult r;
  r.status = ParseStatus::error;
  r.error = error_;
  return r;
}

ParseResult RequestParser::parse(std::string_view buffer) {
  if (phase_ == Phase::failed) {
    ParseResult r;
    r.status = ParseStatus::error;
    r.error = error_;
    return r;
  }
  // The contract is that the buffer only grows; a shorter one means the caller started over.
  if (buffer.size() < scanned_) reset();

  while (phase_ == Phase::request_line || phase_ == Phase::headers) {
    // The head may only end inside this window: the request line with its CRLF, or the header block
    // up to its final CRLF. Scanning no further makes the verdict the same however the bytes arrive
    // (a cap is reported even when a malformed byte lies beyond it).
    bool in_line = phase_ == Phase::request_line;
    std::size_t window_end = in_line ? line_start_ + limits_.max_request_line + 2
                                     : headers_start_ + limits_.max_header_block;
    std::size_t scan_end = std::min(buffer.size(), window_end);
    // Find the next LF, checking every CR on the way is followed by one.
    std::size_t lf = std::string_view::npos;
    for (std::size_t i = scanned_; i < scan_end; ++i) {
      char c = buffer[i];
      if (c == '\n') {
        if (i == line_start_ || buffer[i - 1] != '\r') return fail(400, "bare LF line ending (CRLF required)");
        lf = i;
        break;
      }
      if (c == '\r' && i + 1 < scan_end && buffer[i + 1] != '\n') {
        return fail(400, "bare CR in request head");
      }
    }
    if (lf == std::string_view::npos) {
      if (scan_end == window_end) {
        return in_line ? fail(414, "request line too long") : fail(431, "header block too large");
      }
      // A trailing CR is looked at again with the byte after it (bare CR or CRLF).
      scanned_ = scan_end;
      if (scanned_ > line_start_ && buffer[scanned_ - 1] == '\r') --scanned_;
      return ParseResult{};
    }
    scanned_ = lf + 1;
    std::string_view line = buffer.substr(line_start_, lf - 1 - line_start_);
    line_start_ = lf + 1;

    if (phase_ == Phase::request_line) {
      if (line.empty()) {
        if (++empty_lines_ > kMaxLeadingEmptyLines) return fail(400, "empty lines before the request line");
        continue;
      }
      if (!on_request_line(line)) return fail(error_.status, error_.reason);
      headers_start_ = line_start_;
      phase_ = Phase::headers;
      continue;
    }

    if (!line.empty()) {
      if (!on_header_line(line)) return fail(error_.status, error_.reason);
      continue;
    }
    if (!on_headers_end()) return fail(error_.status, error_.reason);
    body_start_ = line_start_;
    phase_ = Phase::body;
  }

  // Phase::body: wait for exactly body_length_ bytes.
  if (buffer.size() - body_start_ < body_length_) {
    scanned_ = buffer.size();
    ParseResult r;
    r.headers_complete = true;
    r.awaiting_continue = current_.expect_continue && buffer.size() == body_start_;
    return r;
  }
  ParseResult r;
  r.status = ParseStatus::complete;
  r.consumed = body_start_ + body_length_;
  current_.request.body.assign(buffer.substr(body_start_, body_length_));
  r.parsed = std::move(current_);
  reset();
  return r;
}

bool RequestParser::on_request_line(std::string_view line) {
  // method SP request-target SP HTTP-version, single spaces only.
  std::size_t sp1 = line.find(' ');
  std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    error_ = {400, "malformed request line"};
    return false;
  }
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (!is_token(method)) {
    error_ = {400, "method is not a token"};
    return false;
  }
  if (target.empty() || !is_target(target)) {
    error_ = {400, "malformed request target"};
    return false;
  }
  if (target == "*") {
    if (method != "OPTIONS") {
      error_ = {400, "asterisk target is for OPTIONS only"};
      return false;
    }
  } else if (target.front() != '/') {
    error_ = {400, "only origin-form request targets are accepted"};
    return false;
  }
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' ||
      version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9') {
    error_ = {400, "malformed HTTP version"};
    return false;
  }
  if (version[5] != '1' || (version[7] != '0' && version[7] != '1')) {
    error_ = {505, "HTTP version not supported"};
    return false;
  }
  current_.minor_version = version[7] - '0';
  Request& req = current_.request;
  req.method.assign(method);
  req.target.assign(target);
  std::size_t q = target.find('?');
  req.path.assign(target.substr(0, q));
  if (q != std::string_view::npos) req.query.assign(target.substr(q + 1));
  return true;
}

bool RequestParser::on_header_line(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t') {
    error_ = {400, "obsolete line folding in header"};
    return false;
  }
  if (current_.request.headers.size() >= limits_.max_headers) {
    error_ = {431, "too many headers"};
    return false;
  }
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    error_ = {400, "header line without a colon"};
    return false;
  }
  std::string_view name = line.substr(0, colon);
  if (!is_token(name)) {
    // Also catches "Name : value", which RFC 9112 5.1 says to reject (a smuggling vector).
    error_ = {400, "invalid header name"};
    return false;
  }
  std::string_view value = trim_ows(line.substr(colon + 1));
  if (!is_field_value(value)) {
    error_ = {400, "invalid character in header value"};
    return false;
  }

  // Fields that are not lists must appear once (RFC 9110 5.3): two Hosts or two Authorizations let
  // the router and the signature check each pick a different one.
  for (std::string_view singleton : kSingletonHeaders) {
    if (equals_ignore_case(name, singleton) && current_.request.header(singleton) != nullptr) {
      error_ = {400, "repeated Host, Authorization or Content-Type header"};
      return false;
    }
  }
  if (equals_ignore_case(name, "content-length")) {
    bool malformed = false, differs = false, too_big = false;
    for_each_element(value, [&](std::string_view v) {
      if (v.empty()) { malformed = true; return; }
      for (char c : v) {
        if (c < '0' || c > '9') { malformed = true; return; }
      }
      // Leading zeros are digits like any other; compare by value.
      while (v.size() > 1 && v.front() == '0') v.remove_prefix(1);
      if (v.size() > kMaxContentLengthDigits) { too_big = true; return; }
      std::size_t n = 0;
      for (char c : v) n = n * 10 + static_cast<std::size_t>(c - '0');
      if (saw_content_length_ && n != body_length_) differs = true;
      saw_content_length_ = true;
      body_length_ = n;
    });
    if (malformed) {
      error_ = {400, "malformed Content-Length"};
      return false;
    }
    if (differs) {
      error_ = {400, "conflicting Content-Length values"};
      return false;
    }
    if (too_big || body_length_ > limits_.max_body) {
      error_ = {413, "request body too large"};
      return false;
    }
  } else if (equals_ignore_case(name, "transfer-encoding")) {
    saw_transfer_encoding_ = true;
  } else if (equals_ignore_case(name, "host")) {
    saw_host_ = true;
  } else if (equals_ignore_case(name, "connection")) {
    for_each_element(value, [&](std::string_view v) {
      if (equals_ignore_case(v, "close")) connection_close_ = true;
      if (equals_ignore_case(v, "keep-alive")) connection_keep_alive_ = true;
    });
  } else if (equals_ignore_case(name, "expect") && current_.minor_version == 1) {
    // HTTP/1.0 clients cannot expect 100 Continue (RFC 9110 10.1.1): ignored there.
    if (!equals_ignore_case(value, "100-continue")) {
      error_ = {417, "unsupported expectation"};
      return false;
    }
    current_.expect_continue = true;
  }
  current_.request.headers.push_back(Header{std::string(name), std::string(value)});
  return true;
}

bool RequestParser::on_headers_end() {
  if (saw_transfer_encoding_) {
    if (saw_content_length_) {
      error_ = {400, "both Transfer-Encoding and Content-Length"};
    } else if (current_.minor_version == 0) {
      error_ = {400, "Transfer-Encoding in an HTTP/1.0 request"};
    } else {
      error_ = {501, "Transfer-Encoding is not supported; send Content-Length"};
    }
    return false;
  }
  if (current_.minor_version == 1 && !saw_host_) {
    error_ = {400, "missing Host header"};
    return false;
  }
  if (current_.minor_version == 1) {
    current_.keep_alive = !connection_close_;
  } else {
    current_.keep_alive = connection_keep_alive_ && !connection_close_;
  }
  // No body to wait for: nothing to continue.
  if (body_length_ == 0) current_.expect_continue = false;
  return true;
}

}  // namespace borealis::http
