#include "gateway/frame_scanner.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace borealis::gateway {
namespace {

std::string frame(char type, std::string_view body) {
  std::string out(1, type);
  std::uint32_t len = static_cast<std::uint32_t>(body.size() + 4);
  out.push_back(static_cast<char>(len >> 24));
  out.push_back(static_cast<char>(len >> 16));
  out.push_back(static_cast<char>(len >> 8));
  out.push_back(static_cast<char>(len));
  out.append(body);
  return out;
}

// Feeds `stream` in pieces of `step` bytes the way the relay does (held-back bytes are rescanned
// with the next piece) and returns what was forwarded and which frames were seen.
struct Relayed {
  std::string forwarded;
  std::vector<std::string> seen;  // "T" or "T:body"
  bool stopped = false;
  bool error = false;
};

Relayed relay(FrameScanner& sc, const std::string& stream, std::size_t step) {
  Relayed r;
  std::string pending;
  for (std::size_t i = 0; i < stream.size() && !r.stopped && !r.error; i += step) {
    pending += stream.substr(i, step);
    auto scan = sc.scan(pending, [&](const FrameScanner::Seen& s) {
      r.seen.push_back(s.body.empty() ? std::string(1, s.type) : std::string(1, s.type) + ":" + std::string(s.body));
    });
    if (!scan.ok()) {
      r.error = true;
      break;
    }
    r.forwarded += pending.substr(0, scan->forwardable);
    pending.erase(0, scan->forwardable);
    if (scan->stop == FrameScanner::Stop::at_stop_frame) r.stopped = true;
  }
  return r;
}

TEST(FrameScanner, ForwardsEverythingAndReportsCapturedFramesAtEverySplit) {
  std::string stream = frame('T', "rowdesc") + frame('D', std::string(100, 'x')) + frame('S', std::string_view("TimeZone\0UTC\0", 13)) +
                       frame('C', "SELECT 1") + frame('Z', "I");
  for (std::size_t step = 1; step <= stream.size(); ++step) {
    FrameScanner sc("SZ", "", false, 1 << 20, 8192);
    Relayed r = relay(sc, stream, step);
    ASSERT_FALSE(r.error) << step;
    EXPECT_EQ(r.forwarded, stream) << "step " << step;
    ASSERT_EQ(r.seen.size(), 2u) << step;
    EXPECT_EQ(r.seen[0], std::string("S:TimeZone\0UTC\0", 15));
    EXPECT_EQ(r.seen[1], "Z:I");
  }
}

TEST(FrameScanner, StopsBeforeTerminateWithoutForwardingIt) {
  std::string before = frame('Q', std::string("SELECT 1\0", 9));
  std::string stream = before + frame('X', "") + "trailing garbage";
  for (std::size_t step = 1; step <= stream.size(); ++step) {
    FrameScanner sc("", "X", true, 1 << 20, 0);
    Relayed r = relay(sc, stream, step);
    ASSERT_TRUE(r.stopped) << step;
    EXPECT_EQ(r.forwarded, before) << step;
    ASSERT_EQ(r.seen.size(), 2u);
    EXPECT_EQ(r.seen[0], "Q");
    EXPECT_EQ(r.seen[1], "X");
  }
}

TEST(FrameScanner, RejectsImpossibleLengths) {
  FrameScanner sc("", "X", true, 1024, 0);
  std::string bad = "Q";
  bad += std::string("\x00\x00\x00\x02", 4);  // length below 4
  EXPECT_FALSE(sc.scan(bad, [](const FrameScanner::Seen&) {}).ok());
  FrameScanner sc2("", "X", true, 1024, 0);
  std::string huge = "Q";
  huge += std::string("\x7f\xff\xff\xff", 4);
  EXPECT_FALSE(sc2.scan(huge, [](const FrameScanner::Seen&) {}).ok());
}

TEST(FrameScanner, CapturedFrameOverCapIsAnError) {
  FrameScanner sc("S", "", false, 1 << 20, 16);
  auto r = sc.scan(frame('S', std::string(100, 'a')), [](const FrameScanner::Seen&) {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::too_large);
}

TEST(FrameScanner, LargeUncapturedBodiesPassThroughInPieces) {
  std::string body(1 << 16, 'd');
  std::string stream = frame('d', body) + frame('c', "");
  FrameScanner sc("", "X", true, 1 << 20, 0);
  Relayed r = relay(sc, stream, 1000);
  EXPECT_EQ(r.forwarded, stream);
  ASSERT_EQ(r.seen.size(), 2u);
  EXPECT_EQ(r.seen[1], "c");
}

}  // namespace
}  // namespace borealis::gateway
