// An incremental HTTP/1.1 request parser: pure (no I/O, no clock), capped, and strict where a lenient
// reading could let two parsers disagree about where a request ends (request smuggling). It never
// allocates more than its caps allow for untrusted input and never puts input bytes into an error
// reason (a request may carry a signature or a session token).
//
// Decisions (RFC 9112 allows either way; botocore sends none of these):
// - Lines end in CRLF. A bare LF or a bare CR is a 400, not a line end.
// - Bodies are delimited by Content-Length only. Any Transfer-Encoding is refused: 400 when it comes
//   with Content-Length (the classic smuggling pair) or in HTTP/1.0, else 501. No Content-Length and
//   no Transfer-Encoding means an empty body.
// - Content-Length may repeat (as separate headers or a comma list) only with the same value.
// - obs-fold (a header line starting with a space or tab) is a 400.
// - Only origin-form ("/path?query") and asterisk-form ("*", OPTIONS only) targets are accepted.
// - HTTP/1.1 needs a Host header. Host, Authorization and Content-Type may not repeat (400), so no two
//   readers of a request can pick different ones. (Other repeats are kept, in order.)
// - Up to kMaxLeadingEmptyLines empty lines before the request line are skipped (RFC 9112 2.2).
#pragma once

#include <cstddef>
#include <string_view>

#include "http/message.h"

namespace borealis::http {

// A request line longer than this is not an API call: botocore's longest query-string GET is far
// below it, and every byte of it is buffered before we know whether it is valid. 414.
inline constexpr std::size_t kMaxRequestLine = 8 * 1024;
// The header block (after the request line, up to and including the empty line): SigV4 requests carry
// a handful of short headers plus a session token (about 1 KiB). 431.
inline constexpr std::size_t kMaxHeaderBlock = 32 * 1024;
// Header count: botocore sends fewer than 15; a cap bounds the per-header work. 431.
inline constexpr std::size_t kMaxHeaders = 100;
// Body: the largest API body (an IAM policy document, at most 10 KiB, form-encoded) is far below it;
// a body is buffered whole before the handler runs. 413.
inline constexpr std::size_t kMaxBody = 1024 * 1024;
// Empty lines tolerated before the request line (some clients send a CRLF after a POST body).
inline constexpr std::size_t kMaxLeadingEmptyLines = 2;

struct ParserLimits {
  std::size_t max_request_line = kMaxRequestLine;
  std::size_t max_header_block = kMaxHeaderBlock;
  std::size_t max_headers = kMaxHeaders;
  std::size_t max_body = kMaxBody;
};

enum class ParseStatus { need_more, complete, error };

struct ParseError {
  int status = 400;             // 400 413 414 417 431 501 505
  std::string_view reason;      // short, fixed text (never input bytes): safe to log and to send
};

// One complete request and what the connection should do around it.
struct ParsedRequest {
  Request request;
  int minor_version = 1;         // HTTP/1.<minor_version>: 0 or 1
  bool keep_alive = true;        // HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with keep-alive
  bool expect_continue = false;  // the client sent "Expect: 100-continue" (HTTP/1.1)
};

struct ParseResult {
  ParseStatus status = ParseStatus::need_more;
  // complete: the bytes at the front of the buffer that formed the request (pipelined requests that
  // follow stay in the buffer).
  std::size_t consumed = 0;
  ParsedRequest parsed;  // complete only
  ParseError error;      // error only
  // need_more only: the headers are complete, the body is not, and the client asked for
  // "100 Continue" before it sends the body.
  bool awaiting_continue = false;
  // need_more only: the headers are complete and the body is being read (the server switches from
  // the header timeout to the body timeout).
  bool headers_complete = false;
};

// Incremental: call parse() with the connection's whole buffered input each time more bytes arrive.
// Between calls the buffer may only grow at the end; the parser remembers how far it has looked, so
// feeding a request byte by byte costs linear time. After `complete`, erase `consumed` bytes from the
// front of the buffer before the next call (the parser has reset itself for the next request). After
// `error`, the parser stays in error: answer the status and close the connection.
class RequestParser {
 public:
  explicit RequestParser(ParserLimits limits = {}) : limits_(limits) {}

  ParseResult parse(std::string_view buffer);
  // Forget a partly parsed request (the connection starts over with an empty buffer).
  void reset();

 private:
  enum class Phase { request_line, headers, body, failed };

  ParseResult fail(int status, std::string_view reason);
  // Each returns false after recording an error in error_.
  bool on_request_line(std::string_view line);
  bool on_header_line(std::string_view line);
  bool on_headers_end();

  ParserLimits limits_;
  Phase phase_ = Phase::request_line;
  std::size_t scanned_ = 0;      // bytes of the buffer already checked for line ends
  std::size_t line_start_ = 0;   // where the line being scanned begins
  std::size_t headers_start_ = 0;
  std::size_t body_start_ = 0;
  std::size_t body_length_ = 0;
  std::size_t empty_lines_ = 0;
  bool saw_host_ = false;
  bool saw_content_length_ = false;
  bool saw_transfer_encoding_ = false;
  bool connection_close_ = false;
  bool connection_keep_alive_ = false;
  ParsedRequest current_;
  ParseError error_;
};

}  // namespace borealis::http
