// Follows message boundaries in a relayed byte stream without copying it. The relay forwards bytes
// as they arrive; the scanner says how many may go now and reports each frame whose type the
// gateway cares about (a client's Terminate, a backend's ReadyForQuery / ParameterStatus), holding
// back a frame's first bytes until the part the gateway must see is complete. Pure: no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace borealis::gateway {

class FrameScanner {
 public:
  // `capture`: frame types whose whole body the caller needs (held back until complete);
  // `stop`: frame types at which scanning stops before forwarding them (e.g. 'X').
  // `report_all`: also report every other frame (type and offset, no body) as its header passes.
  // Bodies of captured frames are capped at `max_capture` (a larger one is a protocol error).
  FrameScanner(std::string_view capture, std::string_view stop, bool report_all, std::size_t max_frame,
               std::size_t max_capture);

  struct Seen {
    char type = 0;
    std::size_t offset = 0;    // where the frame starts in the scanned buffer
    std::string_view body;     // the body, only for captured types
  };

  enum class Stop { none, at_stop_frame };
  struct Scan {
    std::size_t forwardable = 0;  // bytes from the buffer start that can be relayed now
    Stop stop = Stop::none;       // scanning stopped at a `stop` frame beginning at `forwardable`
  };

  // Scans `buf`, which starts where the previous call's forwardable bytes ended. `on_frame` is
  // called for every captured or stop frame. Errors leave the stream unusable.
  template <class OnFrame>
  Result<Scan> scan(std::string_view buf, OnFrame&& on_frame);

  // Forgets any partial frame (when the stream is reset, e.g. a backend returns to the pool).
  void reset() noexcept { body_left_ = 0; }

 private:
  bool is_capture(char t) const noexcept { return capture_.find(t) != std::string::npos; }
  bool is_stop(char t) const noexcept { return stop_.find(t) != std::string::npos; }

  std::string capture_;
  std::string stop_;
  bool report_all_;
  std::size_t max_frame_;
  std::size_t max_capture_;
  std::size_t body_left_ = 0;  // bytes of an uncaptured frame's body still to pass through
};

template <class OnFrame>
Result<FrameScanner::Scan> FrameScanner::scan(std::string_view buf, OnFrame&& on_frame) {
  std::size_t pos = 0;
  while (pos < buf.size()) {
    if (body_left_ > 0) {
      std::size_t take = std::min(body_left_, buf.size() - pos);
      body_left_ -= take;
      pos += take;
      continue;
    }
    if (buf.size() - pos < 5) break;  // partial header: hold it back
    const auto* p = reinterpret_cast<const unsigned char*>(buf.data() + pos);
    const char type = static_cast<char>(p[0]);
    const std::uint32_t len = (std::uint32_t{p[1]} << 24) | (std::uint32_t{p[2]} << 16) |
                              (std::uint32_t{p[3]} << 8) | std::uint32_t{p[4]};
    if (len < 4 || len > max_frame_) {
      return make_error(Errc::protocol_violation,
                        "invalid message length " + std::to_string(len) + " for message type " +
                            std::to_string(static_cast<unsigned char>(type)));
    }
    const std::size_t body_len = len - 4;
    if (is_stop(type)) {
      on_frame(Seen{type, pos, {}});
      return Scan{pos, Stop::at_stop_frame};
    }
    if (is_capture(type)) {
      if (body_len > max_capture_) {
        return make_error(Errc::too_large, "message of type '" + std::string(1, type) + "' is too large");
      }
      if (buf.size() - pos < 5 + body_len) break;  // hold back until the whole frame is here
      on_frame(Seen{type, pos, buf.substr(pos + 5, body_len)});
      pos += 5 + body_len;
      continue;
    }
    if (report_all_) on_frame(Seen{type, pos, {}});
    pos += 5;
    body_left_ = body_len;
  }
  return Scan{pos, Stop::none};
}

}  // namespace borealis::gateway
