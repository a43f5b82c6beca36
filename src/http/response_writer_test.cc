// Tests for response serialisation: framing headers, reason phrases, the Date format, and that
// handler headers cannot split the response.
#include "http/response_writer.h"

#include <gtest/gtest.h>

#include "http/request_parser.h"

namespace borealis::http {
namespace {

// 2026-11-28T17:30:00Z, a Saturday.
const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1795887000));

TEST(ResponseWriter, StatusHeadersLengthDateBody) {
  Response r;
  r.status = 404;
  r.headers.push_back({"Content-Type", "text/xml"});
  r.headers.push_back({"x-amzn-RequestId", "abc"});
  r.body = "<Error/>";
  EXPECT_EQ(write_response(r, WriteOptions{.now = kNow}),
            "HTTP/1.1 404 Not Found\r\n"
            "Content-Type: text/xml\r\n"
            "x-amzn-RequestId: abc\r\n"
            "Date: Sat, 28 Nov 2026 17:30:00 GMT\r\n"
            "Content-Length: 8\r\n"
            "\r\n"
            "<Error/>");
}

TEST(ResponseWriter, ConnectionHeaders) {
  Response r;
  std::string closed = write_response(r, WriteOptions{.close = true, .now = kNow});
  EXPECT_NE(closed.find("\r\nConnection: close\r\n"), std::string::npos);
  std::string kept = write_response(r, WriteOptions{.keep_alive_header = true, .now = kNow});
  EXPECT_NE(kept.find("\r\nConnection: keep-alive\r\n"), std::string::npos);
  EXPECT_EQ(write_response(r, WriteOptions{.now = kNow}).find("Connection"), std::string::npos);
}

TEST(ResponseWriter, HandlerCannotSplitOrReframeTheResponse) {
  Response r;
  r.headers.push_back({"X-Evil", "a\r\nSet-Cookie: x"});
  r.headers.push_back({"X-Nul", std::string("a\0b", 3)});
  r.headers.push_back({"Bad Name", "v"});
  r.headers.push_back({"content-length", "999"});
  r.headers.push_back({"Transfer-Encoding", "chunked"});
  r.headers.push_back({"Connection", "keep-alive"});
  r.headers.push_back({"X-Ok", "fine\tvalue"});
  r.body = "hi";
  std::string out = write_response(r, WriteOptions{.now = kNow});
  EXPECT_EQ(out.find("Set-Cookie"), std::string::npos);
  EXPECT_EQ(out.find("X-Nul"), std::string::npos);
  EXPECT_EQ(out.find("Bad Name"), std::string::npos);
  EXPECT_EQ(out.find("999"), std::string::npos);
  EXPECT_EQ(out.find("chunked"), std::string::npos);
  EXPECT_EQ(out.find("keep-alive"), std::string::npos);
  EXPECT_NE(out.find("X-Ok: fine\tvalue\r\n"), std::string::npos);
  EXPECT_NE(out.find("Content-Length: 2\r\n\r\nhi"), std::string::npos);
}

TEST(ResponseWriter, BodilessStatusesAndHead) {
  Response r;
  r.status = 100;
  EXPECT_EQ(write_response(r, WriteOptions{.now = kNow}), "HTTP/1.1 100 Continue\r\n\r\n");
  r.status = 204;
  r.body = "ignored";
  std::string no_content = write_response(r, WriteOptions{.now = kNow});
  EXPECT_EQ(no_content.find("Content-Length"), std::string::npos);
  EXPECT_EQ(no_content.find("ignored"), std::string::npos);
  r.status = 200;
  std::string head = write_response(r, WriteOptions{.head = true, .now = kNow});
  EXPECT_NE(head.find("Content-Length: 7\r\n\r\n"), std::string::npos);
  EXPECT_EQ(head.find("ignored"), std::string::npos);
}

TEST(ResponseWriter, OutOfRangeStatusBecomes500) {
  Response r;
  r.status = 42;
  EXPECT_EQ(write_response(r, WriteOptions{.now = kNow}).rfind("HTTP/1.1 500 Internal Server Error\r\n", 0), 0u);
  r.status = 600;
  EXPECT_EQ(write_response(r, WriteOptions{.now = kNow}).rfind("HTTP/1.1 500 ", 0), 0u);
  r.status = 299;
  EXPECT_EQ(write_response(r, WriteOptions{.now = kNow}).rfind("HTTP/1.1 299 Unknown\r\n", 0), 0u);
}

TEST(ResponseWriter, HttpDate) {
  EXPECT_EQ(http_date(std::chrono::system_clock::time_point(std::chrono::seconds(784111777))),
            "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(http_date(kNow), "Sat, 28 Nov 2026 17:30:00 GMT");
}

TEST(ResponseWriter, ParserReasonsHavePhrases) {
  for (int status : {400, 413, 414, 417, 431, 501, 503, 505}) EXPECT_NE(reason_phrase(status), "Unknown") << status;
}

}  // namespace
}  // namespace borealis::http
