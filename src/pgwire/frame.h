// Splits a byte stream of typed messages (type byte + int32 length that includes itself + body).
// Pure and zero-copy: frames point into the caller's buffer.
#pragma once

#include <cstddef>
#include <string_view>

#include "common/result.h"

namespace borealis::pgwire {

struct Frame {
  char type = 0;
  std::string_view body;  // without type and length
  std::size_t size() const { return 5 + body.size(); }  // bytes on the wire
};

struct FrameDecode {
  enum class Status { need_more, ready, error } status = Status::need_more;
  Frame frame;               // valid when ready
  std::size_t consumed = 0;  // == frame.size() when ready
  // When need_more and the header is known: total bytes of the frame being waited for (0 if unknown).
  std::size_t wanted = 0;
  Error error;               // length < 4 or above max_len
};

// Decodes the frame at the start of `buf`. Length fields below 4 or whose frame exceeds `max_len`
// are errors (the stream cannot be resynchronised after that).
FrameDecode decode_frame(std::string_view buf, std::size_t max_len);

// Only the header: type and total wire size (5 + body), for relaying without buffering whole
// messages. Returns need_more if fewer than 5 bytes are available.
struct FrameHeader {
  enum class Status { need_more, ready, error } status = Status::need_more;
  char type = 0;
  std::size_t total = 0;
  Error error;
};
FrameHeader decode_frame_header(std::string_view buf, std::size_t max_len);

}  // namespace borealis::pgwire
