// Tests for the incremental request parser: every input fed whole and split at every byte, pipelining,
// each cap at its limit and one past it, and the malformed inputs that must be refused.
#include "http/request_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace borealis::http {
namespace {

// A botocore-style SigV4-signed query-protocol request (signature values are fake).
const std::string kSigned =
    "POST / HTTP/1.1\r\n"
    "Host: 127.0.0.1:8443\r\n"
    "Accept-Encoding: identity\r\n"
    "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
    "User-Agent: aws-cli/2.9.19 Python/3.11.2 Linux/6.1.0 source/x86_64.debian.12 prompt/off "
    "command/rds.describe-db-clusters\r\n"
    "X-Amz-Date: 20261128T173000Z\r\n"
    "Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261128/us-east-1/rds/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date, "
    "Signature=0000000000000000000000000000000000000000000000000000000000000000\r\n"
    "Content-Length: 44\r\n"
    "\r\n"
    "Action=DescribeDBClusters&Version=2014-10-31";

// Parses `input` fed as one buffer.
ParseResult parse_whole(const std::string& input, ParserLimits limits = {}) {
  RequestParser p(limits);
  return p.parse(input);
}

// Feeds `input` one byte more each time (the buffer grows like a socket's) and checks that every
// prefix short of the verdict says need_more, and that the verdict equals the whole-buffer one.
ParseResult parse_every_split(const std::string& input, ParserLimits limits = {}) {
  ParseResult whole = parse_whole(input, limits);
  RequestParser p(limits);
  for (std::size_t n = 0; n <= input.size(); ++n) {
    ParseResult r = p.parse(std::string_view(input).substr(0, n));
    if (r.status == ParseStatus::need_more) {
      EXPECT_LT(n, input.size() + 1) << "prefix " << n;
      continue;
    }
    EXPECT_EQ(r.status, whole.status) << "prefix " << n;
    if (r.status == ParseStatus::error) {
      EXPECT_EQ(r.error.status, whole.error.status) << "prefix " << n;
    } else {
      EXPECT_EQ(r.consumed, whole.consumed);
      EXPECT_EQ(r.consumed, n) << "complete exactly when the last byte of the request arrives";
      EXPECT_EQ(r.parsed.request.body, whole.parsed.request.body);
      EXPECT_EQ(r.parsed.request.target, whole.parsed.request.target);
      EXPECT_EQ(r.parsed.request.headers.size(), whole.parsed.request.headers.size());
    }
    return r;
  }
  return ParseResult{};
}

int error_status(const std::string& input, ParserLimits limits = {}) {
  ParseResult r = parse_every_split(input, limits);
  EXPECT_EQ(r.status, ParseStatus::error) << input.substr(0, 200);
  EXPECT_FALSE(r.error.reason.empty());
  return r.status == ParseStatus::error ? r.error.status : 0;
}

struct Refusal {
  std::string input;
  int status;
};

// Each input, fed whole and at every split, is refused with its status.
void expect_refused(const std::vector<Refusal>& table, ParserLimits limits = {}) {
  for (const Refusal& row : table) EXPECT_EQ(error_status(row.input, limits), row.status) << row.input.substr(0, 120);
}

std::string get(std::string_view extra_headers = "") {
  return "GET /x?a=1 HTTP/1.1\r\nHost: h\r\n" + std::string(extra_headers) + "\r\n";
}

TEST(RequestParser, SignedBotocoreRequestEveryByteSplit) {
  ParseResult r = parse_every_split(kSigned);
  ASSERT_EQ(r.status, ParseStatus::complete);
  EXPECT_EQ(r.consumed, kSigned.size());
  const Request& req = r.parsed.request;
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/");
  EXPECT_EQ(req.path, "/");
  EXPECT_EQ(req.query, "");
  EXPECT_EQ(req.body, "Action=DescribeDBClusters&Version=2014-10-31");
  const std::string* date = req.header("X-AMZ-DATE");
  ASSERT_NE(date, nullptr);
  EXPECT_EQ(*date, "20261128T173000Z");
  EXPECT_EQ(req.headers.size(), 7u);
  EXPECT_EQ(req.headers[0].name, "Host");
  EXPECT_TRUE(r.parsed.keep_alive);
  EXPECT_FALSE(r.parsed.expect_continue);
  EXPECT_EQ(r.parsed.minor_version, 1);
}

TEST(RequestParser, TargetSplitsIntoPathAndQuery) {
  ParseResult r = parse_every_split("GET /a/b?x=1&y=%20?z HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_EQ(r.status, ParseStatus::complete);
  EXPECT_EQ(r.parsed.request.path, "/a/b");
  EXPECT_EQ(r.parsed.request.query, "x=1&y=%20?z");
  EXPECT_EQ(r.parsed.request.body, "");
}

TEST(RequestParser, HeaderValuesAreTrimmedAndRepeatsKept) {
  ParseResult r = parse_whole(get("X-A:   v 1\t \r\nx-a: two\r\nEmpty:\r\n"));
  ASSERT_EQ(r.status, ParseStatus::complete);
  const auto& h = r.parsed.request.headers;
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h[1].value, "v 1");
  EXPECT_EQ(h[2].name, "x-a");
  EXPECT_EQ(h[2].value, "two");
  EXPECT_EQ(h[3].value, "");
}

TEST(RequestParser, TwoPipelinedRequestsInOneBuffer) {
  std::string two = kSigned + get();
  RequestParser p;
  ParseResult first = p.parse(two);
  ASSERT_EQ(first.status, ParseStatus::complete);
  EXPECT_EQ(first.consumed, kSigned.size());
  EXPECT_EQ(first.parsed.request.method, "POST");
  two.erase(0, first.consumed);
  ParseResult second = p.parse(two);
  ASSERT_EQ(second.status, ParseStatus::complete);
  EXPECT_EQ(second.consumed, two.size());
  EXPECT_EQ(second.parsed.request.method, "GET");
  EXPECT_EQ(second.parsed.request.query, "a=1");
}

TEST(RequestParser, PipelinedRequestsFedByteByByte) {
  std::string stream = kSigned + get() + kSigned;
  RequestParser p;
  std::string buffer;
  std::vector<std::string> methods;
  for (char ch : stream) {
    buffer += ch;
    ParseResult r = p.parse(buffer);
    ASSERT_NE(r.status, ParseStatus::error);
    if (r.status == ParseStatus::complete) {
      methods.push_back(r.parsed.request.method);
      buffer.erase(0, r.consumed);
    }
  }
  EXPECT_EQ(methods, (std::vector<std::string>{"POST", "GET", "POST"}));
  EXPECT_TRUE(buffer.empty());
}

TEST(RequestParser, KeepAliveRules) {
  EXPECT_TRUE(parse_whole(get()).parsed.keep_alive);
  EXPECT_FALSE(parse_whole(get("Connection: close\r\n")).parsed.keep_alive);
  EXPECT_FALSE(parse_whole(get("Connection: Keep-Alive, CLOSE\r\n")).parsed.keep_alive);
  EXPECT_FALSE(parse_whole("GET / HTTP/1.0\r\n\r\n").parsed.keep_alive);
  ParseResult r = parse_whole("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  ASSERT_EQ(r.status, ParseStatus::complete);
  EXPECT_TRUE(r.parsed.keep_alive);
  EXPECT_EQ(r.parsed.minor_version, 0);
}

TEST(RequestParser, ExpectContinueIsReportedBeforeTheBody) {
  std::string head = "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n";
  RequestParser p;
  ParseResult r = p.parse(head.substr(0, head.size() - 1));
  EXPECT_EQ(r.status, ParseStatus::need_more);
  EXPECT_FALSE(r.awaiting_continue);
  EXPECT_FALSE(r.headers_complete);
  r = p.parse(head);
  EXPECT_EQ(r.status, ParseStatus::need_more);
  EXPECT_TRUE(r.awaiting_continue);
  EXPECT_TRUE(r.headers_complete);
  r = p.parse(head + "ab");
  EXPECT_EQ(r.status, ParseStatus::need_more);
  EXPECT_FALSE(r.awaiting_continue) << "the body has started: no 100 Continue any more";
  r = p.parse(head + "abc");
  ASSERT_EQ(r.status, ParseStatus::complete);
  EXPECT_TRUE(r.parsed.expect_continue);
  EXPECT_EQ(r.parsed.request.body, "abc");
}

TEST(RequestParser, ExpectContinueWithoutBodyOrInHttp10IsIgnored) {
  ParseResult r = parse_whole(get("Expect: 100-continue\r\n"));
  ASSERT_EQ(r.status, ParseStatus::complete);
  EXPECT_FALSE(r.parsed.expect_continue);
  r = parse_whole("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n");
  EXPECT_EQ(r.status, ParseStatus::need_more);
  EXPECT_FALSE(r.awaiting_continue);
}

TEST(RequestParser, OtherExpectationsAre417) { EXPECT_EQ(error_status(get("Expect: something\r\n")), 417); }

TEST(RequestParser, LeadingEmptyLinesUpToTheLimit) {
  ParseResult r = parse_every_split("\r\n\r\n" + get());
  ASSERT_EQ(r.status, ParseStatus::complete);
  EXPECT_EQ(r.parsed.request.method, "GET");
  EXPECT_EQ(error_status("\r\n\r\n\r\n" + get()), 400);
}

// ---- caps: at the limit and one past it ----

TEST(RequestParser, RequestLineCap) {
  // "GET " + target + " HTTP/1.1" is exactly kMaxRequestLine bytes.
  std::string target = "/" + std::string(kMaxRequestLine - 4 - 9 - 1, 'a');
  std::string at = "GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n";
  ASSERT_EQ(at.find("\r\n"), kMaxRequestLine);
  EXPECT_EQ(parse_every_split(at).status, ParseStatus::complete);
  std::string past = "GET " + target + "a HTTP/1.1\r\nHost: h\r\n\r\n";
  EXPECT_EQ(error_status(past), 414);
  // Without any line end the parser stops buffering as soon as the line cannot fit.
  RequestParser p;
  EXPECT_EQ(p.parse(std::string(kMaxRequestLine + 1, 'G')).status, ParseStatus::need_more);
  EXPECT_EQ(p.parse(std::string(kMaxRequestLine + 2, 'G')).error.status, 414);
}

TEST(RequestParser, HeaderBlockCap) {
  // Header block = "Host: h\r\n" + "X: <pad>\r\n" + "\r\n".
  std::size_t fixed = 9 + 5 + 2;
  std::string at = "GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(kMaxHeaderBlock - fixed, 'v') + "\r\n\r\n";
  EXPECT_EQ(parse_whole(at).status, ParseStatus::complete);
  std::string past = "GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(kMaxHeaderBlock - fixed + 1, 'v') + "\r\n\r\n";
  EXPECT_EQ(parse_whole(past).error.status, 431);
  // Small limits keep the every-byte split cheap.
  ParserLimits small;
  small.max_header_block = 64;
  std::string small_at = "GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(64 - fixed, 'v') + "\r\n\r\n";
  EXPECT_EQ(parse_every_split(small_at, small).status, ParseStatus::complete);
  EXPECT_EQ(error_status("GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(65 - fixed, 'v') + "\r\n\r\n", small), 431);
  // A header line that never ends is refused once it passes the cap.
  EXPECT_EQ(error_status("GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(100, 'v'), small), 431);
}

TEST(RequestParser, HeaderCountCap) {
  std::string at = "GET / HTTP/1.1\r\nHost: h\r\n";
  for (std::size_t i = 1; i < kMaxHeaders; ++i) at += "X" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(parse_whole(at + "\r\n").status, ParseStatus::complete);
  EXPECT_EQ(parse_whole(at + "\r\n").parsed.request.headers.size(), kMaxHeaders);
  EXPECT_EQ(parse_whole(at + "Y: v\r\n\r\n").error.status, 431);
}

TEST(RequestParser, BodyCap) {
  std::string head = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: ";
  std::string at = head + std::to_string(kMaxBody) + "\r\n\r\n" + std::string(kMaxBody, 'b');
  ParseResult r = parse_whole(at);
  ASSERT_EQ(r.status, ParseStatus::complete);
  EXPECT_EQ(r.parsed.request.body.size(), kMaxBody);
  // Refused from the header alone, before any body byte is buffered.
  EXPECT_EQ(parse_whole(head + std::to_string(kMaxBody + 1) + "\r\n\r\n").error.status, 413);
}

// ---- malformed input ----

TEST(RequestParser, BareLineEndsAreRefused) {
  expect_refused({
      {"GET / HTTP/1.1\nHost: h\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: h\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: h\r\n\n", 400},
      {"\n", 400},
      {"GET / HTTP/1.1\rHost: h\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: h\rX\r\n\r\n", 400},
  });
}

TEST(RequestParser, MalformedHeaders) {
  expect_refused({
      {get("NoColon\r\n"), 400},
      {get("X-A: a\r\n  folded\r\n"), 400},
      {get("X-A: a\r\n\tfolded\r\n"), 400},
      {get("Bad Name: v\r\n"), 400},
      {get("Name : v\r\n"), 400},
      {get(": v\r\n"), 400},
      {get("X(y): v\r\n"), 400},
      {get(std::string("X: a\0b\r\n", 8)), 400},
      {get("X: a\x7f" "b\r\n"), 400},
  });
}

TEST(RequestParser, ObsTextInValuesIsAccepted) {
  EXPECT_EQ(parse_whole(get("X: caf\xc3\xa9\r\n")).status, ParseStatus::complete);
}

TEST(RequestParser, ContentLengthRules) {
  std::string head = "POST / HTTP/1.1\r\nHost: h\r\n";
  expect_refused({
      {head + "Content-Length: -1\r\n\r\n", 400},
      {head + "Content-Length: +1\r\n\r\n", 400},
      {head + "Content-Length: 1a\r\n\r\n", 400},
      {head + "Content-Length: \r\n\r\n", 400},
      {head + "Content-Length: 1 2\r\n\r\n", 400},
      {head + "Content-Length: 0x10\r\n\r\n", 400},
      {head + "Content-Length: 99999999999999999999999999\r\n\r\n", 413},
      {head + "Content-Length: 18446744073709551617\r\n\r\n", 413},
      {head + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400},
      {head + "Content-Length: 3, 4\r\n\r\nabcd", 400},
      {head + "Content-Length: 3,\r\n\r\nabc", 400},
  });
  // Repeats of one value are the same message (RFC 9110 8.6).
  ParseResult r = parse_every_split(head + "Content-Length: 3\r\ncontent-length: 003, 3\r\n\r\nabc");
  ASSERT_EQ(r.status, ParseStatus::complete);
  EXPECT_EQ(r.parsed.request.body, "abc");
  r = parse_every_split(head + "Content-Length: 0\r\n\r\n");
  ASSERT_EQ(r.status, ParseStatus::complete);
  EXPECT_EQ(r.parsed.request.body, "");
}

TEST(RequestParser, TransferEncodingIsRefused) {
  std::string head = "POST / HTTP/1.1\r\nHost: h\r\n";
  expect_refused({
      {head + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc", 400},
      {head + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc", 400},
      {head + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 501},
      {head + "transfer-encoding: identity\r\n\r\n", 501},
      {"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
  });
}

TEST(RequestParser, HostAndSingletonRules) {
  expect_refused({
      {"GET / HTTP/1.1\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
      {"GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n", 400},
      {get("Authorization: a\r\nauthorization: b\r\n"), 400},
      {get("Content-Type: text/xml\r\nContent-Type: text/xml\r\n"), 400},
  });
  EXPECT_EQ(parse_whole("GET / HTTP/1.0\r\n\r\n").status, ParseStatus::complete);
}

TEST(RequestParser, RequestLineRules) {
  expect_refused({
      {"GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505},
      {"GET / HTTP/1.2\r\nHost: h\r\n\r\n", 505},
      {"GET / HTTP/0.9\r\nHost: h\r\n\r\n", 505},
      {"GET / HTTP/1.x\r\nHost: h\r\n\r\n", 400},
      {"GET / http/1.1\r\nHost: h\r\n\r\n", 400},
      {"GET / HTTP/1.10\r\nHost: h\r\n\r\n", 400},
      {"GET /\r\n\r\n", 400},
      {"GET\r\n\r\n", 400},
      {"GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400},
      {"GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400},
      {" GET / HTTP/1.1\r\nHost: h\r\n\r\n", 400},
      {"G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400},
      {"G\x01T / HTTP/1.1\r\nHost: h\r\n\r\n", 400},
      {"GET http://h/ HTTP/1.1\r\nHost: h\r\n\r\n", 400},
      {"GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400},
      {"GET /a#frag HTTP/1.1\r\nHost: h\r\n\r\n", 400},
      {"GET /\xc3\xa9 HTTP/1.1\r\nHost: h\r\n\r\n", 400},
  });
  EXPECT_EQ(parse_whole("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n").status, ParseStatus::complete);
  // Any token is a method as far as the parser goes; the router decides what it serves.
  EXPECT_EQ(parse_whole("PURGE / HTTP/1.1\r\nHost: h\r\n\r\n").parsed.request.method, "PURGE");
}

TEST(RequestParser, ErrorIsStickyAndResetStartsOver) {
  RequestParser p;
  EXPECT_EQ(p.parse("GET / HTTP/3.0\r\n").error.status, 505);
  EXPECT_EQ(p.parse(get()).error.status, 505);
  p.reset();
  EXPECT_EQ(p.parse(get()).status, ParseStatus::complete);
}

TEST(RequestParser, ErrorReasonsNeverQuoteInput) {
  std::string secret = "SECRETTOKENVALUE";
  for (const std::string& bad :
       {get("X-Amz-Security-Token: " + secret + "\r\n  fold\r\n"), "GET /" + secret + " HTTP/9.9\r\n\r\n",
        get(secret + " : v\r\n")}) {
    ParseResult r = parse_whole(bad);
    ASSERT_EQ(r.status, ParseStatus::error);
    EXPECT_EQ(std::string(r.error.reason).find(secret), std::string::npos);
  }
}

}  // namespace
}  // namespace borealis::http
