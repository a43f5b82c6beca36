// libFuzzer entry for the HTTP request parser and response writer. The input is a byte stream as a
// client would send it (seed files are plain HTTP requests). It is parsed under the default caps and
// under small caps (so the cap paths are reachable), once as one buffer and once fed in pseudo-random
// chunks, and checks the invariants the server relies on: both feedings give the same requests and
// the same final verdict, consumed never exceeds the buffer, every accepted request is within the
// caps and well-formed, an accepted request re-serialised parses to the same request, and a response
// carrying the request's headers keeps its framing (no header can split it).
// It must never write anything to disk itself; libFuzzer's corpus handling is the caller's choice.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/fuzz_check.h"
#include "http/request_parser.h"
#include "http/response_writer.h"
#include "http/syntax.h"

namespace {

using namespace borealis::http;  // NOLINT: a fuzzer is one file of calls into this namespace

// Caps small enough that short inputs hit every limit.
constexpr ParserLimits kSmallLimits{64, 96, 4, 32};
// Requests parsed from one input at most (pipelining), to bound the work per input.
constexpr std::size_t kMaxRequestsPerInput = 64;

struct Outcome {
  std::vector<ParsedRequest> requests;
  ParseStatus final_status = ParseStatus::need_more;
  int error_status = 0;
};

bool same_request(const ParsedRequest& a, const ParsedRequest& b) {
  if (a.request.method != b.request.method || a.request.target != b.request.target ||
      a.request.path != b.request.path || a.request.query != b.request.query || a.request.body != b.request.body ||
      a.minor_version != b.minor_version || a.keep_alive != b.keep_alive ||
      a.expect_continue != b.expect_continue || a.request.headers.size() != b.request.headers.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.request.headers.size(); ++i) {
    if (a.request.headers[i].name != b.request.headers[i].name ||
        a.request.headers[i].value != b.request.headers[i].value) {
      return false;
    }
  }
  return true;
}

void check_accepted(const ParsedRequest& p, const ParserLimits& limits) {
  const Request& r = p.request;
  FUZZ_CHECK(is_token(r.method));
  FUZZ_CHECK(!r.target.empty() && (r.target.front() == '/' || (r.target == "*" && r.method == "OPTIONS")));
  FUZZ_CHECK(r.target == (r.query.empty() && r.target.find('?') == std::string::npos ? r.path : r.path + "?" + r.query));
  FUZZ_CHECK(p.minor_version == 0 || p.minor_version == 1);
  FUZZ_CHECK(r.headers.size() <= limits.max_headers);
  FUZZ_CHECK(r.body.size() <= limits.max_body);
  std::size_t hosts = 0, authorizations = 0, content_types = 0;
  for (const Header& h : r.headers) {
    authorizations += equals_ignore_case(h.name, "authorization") ? 1 : 0;
    content_types += equals_ignore_case(h.name, "content-type") ? 1 : 0;
    FUZZ_CHECK(is_token(h.name));
    FUZZ_CHECK(is_field_value(h.value));
    FUZZ_CHECK(h.value == trim_ows(h.value));
    FUZZ_CHECK(!equals_ignore_case(h.name, "transfer-encoding"));
    hosts += equals_ignore_case(h.name, "host") ? 1 : 0;
  }
  FUZZ_CHECK(hosts <= 1 && (p.minor_version == 0 || hosts == 1));
  FUZZ_CHECK(authorizations <= 1 && content_types <= 1);
  if (p.minor_version == 0) FUZZ_CHECK(!p.expect_continue);
}

// Parses the stream, as one buffer or fed `chunk(i)` bytes at a time.
template <class ChunkSize>
Outcome run(std::string_view stream, const ParserLimits& limits, ChunkSize chunk) {
  Outcome out;
  RequestParser parser(limits);
  std::string buffer;
  std::size_t fed = 0;
  for (std::size_t step = 0; fed < stream.size() || step == 0; ++step) {
    std::size_t n = std::min(stream.size() - fed, chunk(step));
    buffer.append(stream.substr(fed, n));
    fed += n;
    while (true) {
      ParseResult r = parser.parse(buffer);
      if (r.status == ParseStatus::need_more) {
        FUZZ_CHECK(r.consumed == 0);
        if (r.awaiting_continue) FUZZ_CHECK(r.headers_complete);
        break;
      }
      if (r.status == ParseStatus::error) {
        FUZZ_CHECK(!r.error.reason.empty());
        int s = r.error.status;
        FUZZ_CHECK(s == 400 || s == 413 || s == 414 || s == 417 || s == 431 || s == 501 || s == 505);
        // The error is sticky.
        ParseResult again = parser.parse(buffer);
        FUZZ_CHECK(again.status == ParseStatus::error && again.error.status == s);
        out.final_status = ParseStatus::error;
        out.error_status = s;
        return out;
      }
      FUZZ_CHECK(r.consumed > 0 && r.consumed <= buffer.size());
      check_accepted(r.parsed, limits);
      buffer.erase(0, r.consumed);
      out.requests.push_back(std::move(r.parsed));
      if (out.requests.size() >= kMaxRequestsPerInput) return out;
    }
  }
  out.final_status = ParseStatus::need_more;
  return out;
}

// An accepted request written back out (canonical spacing) parses to the same request.
void check_reserialised(const ParsedRequest& p, const ParserLimits& limits) {
  const Request& r = p.request;
  std::string wire = r.method + " " + r.target + (p.minor_version == 1 ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n");
  // "name:value" is never longer than what was received, so the small caps still fit.
  for (const Header& h : r.headers) wire += h.name + ":" + h.value + "\r\n";
  wire += "\r\n";
  wire += r.body;
  RequestParser parser(limits);
  ParseResult again = parser.parse(wire);
  // A request without Content-Length has an empty body, so the whole wire is consumed exactly.
  FUZZ_CHECK(again.status == ParseStatus::complete);
  FUZZ_CHECK(again.consumed == wire.size());
  FUZZ_CHECK(same_request(again.parsed, p));
}

// A response echoing the request's headers and body keeps its framing: the head ends at the first
// blank line, every head line is a status line or "token: value", and the body is what was given.
void check_response_framing(const ParsedRequest& p) {
  Response resp;
  resp.status = 200;
  resp.headers = p.request.headers;
  resp.body = p.request.body;
  std::string out = write_response(resp, WriteOptions{.close = !p.keep_alive});
  std::size_t end = out.find("\r\n\r\n");
  FUZZ_CHECK(end != std::string::npos);
  FUZZ_CHECK(out.substr(end + 4) == resp.body);
  std::string_view head(out.data(), end + 2);
  FUZZ_CHECK(head.substr(0, 17) == "HTTP/1.1 200 OK\r\n");
  head.remove_prefix(17);
  std::size_t content_lengths = 0;
  while (!head.empty()) {
    std::size_t eol = head.find("\r\n");
    FUZZ_CHECK(eol != std::string_view::npos);
    std::string_view line = head.substr(0, eol);
    FUZZ_CHECK(line.find('\n') == std::string_view::npos && line.find('\r') == std::string_view::npos);
    std::size_t colon = line.find(':');
    FUZZ_CHECK(colon != std::string_view::npos && is_token(line.substr(0, colon)));
    content_lengths += equals_ignore_case(line.substr(0, colon), "content-length") ? 1 : 0;
    head.remove_prefix(eol + 2);
  }
  FUZZ_CHECK(content_lengths == 1);
}

void check(std::string_view stream, const ParserLimits& limits, std::uint32_t seed) {
  Outcome whole = run(stream, limits, [&](std::size_t) { return stream.size(); });
  // xorshift chunk sizes from 1 to 64 bytes, seeded by the input.
  std::uint32_t state = seed | 1;
  Outcome chunked = run(stream, limits, [&](std::size_t) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return static_cast<std::size_t>(state % 64) + 1;
  });
  Outcome bytewise = run(stream.substr(0, 4096), limits, [](std::size_t) { return std::size_t{1}; });

  FUZZ_CHECK(whole.requests.size() == chunked.requests.size());
  for (std::size_t i = 0; i < whole.requests.size(); ++i) FUZZ_CHECK(same_request(whole.requests[i], chunked.requests[i]));
  FUZZ_CHECK(whole.final_status == chunked.final_status && whole.error_status == chunked.error_status);
  if (stream.size() <= 4096) {
    FUZZ_CHECK(whole.requests.size() == bytewise.requests.size());
    FUZZ_CHECK(whole.final_status == bytewise.final_status && whole.error_status == bytewise.error_status);
  }
  for (const ParsedRequest& p : whole.requests) {
    check_reserialised(p, limits);
    check_response_framing(p);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view stream(reinterpret_cast<const char*>(data), size);
  std::uint32_t seed = static_cast<std::uint32_t>(size) * 2654435761u;
  for (std::size_t i = 0; i < size && i < 16; ++i) seed = seed * 31 + data[i];
  check(stream, ParserLimits{}, seed);
  check(stream, kSmallLimits, seed ^ 0x9e3779b9u);
  return 0;
}
