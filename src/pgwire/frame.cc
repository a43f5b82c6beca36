// Splits typed protocol messages off the front of a byte buffer. Pure and zero-copy; it must never
// read beyond `buf` and never accept a length it cannot trust (the stream is unrecoverable after a
// bad length, so every such case is a terminal error, not need_more).
#include "pgwire/frame.h"

#include <fmt/core.h>

#include <cstdint>
#include <utility>

#include "pgwire/reader.h"

namespace borealis::pgwire {
namespace {

// Type byte plus the int32 length.
constexpr std::size_t kHeaderSize = 5;
// The length field counts itself, so anything smaller cannot describe a message.
constexpr std::int32_t kMinLengthField = 4;

// Shared by both entry points so a header decode and a frame decode never disagree.
// Returns the total wire size, or an error.
Result<std::size_t> checked_total(char type, std::int32_t length, std::size_t max_len) {
  if (length < kMinLengthField) {
    return make_error(Errc::protocol_violation,
                      fmt::format("invalid message length {} for message type 0x{:02x}", length,
                                  static_cast<unsigned char>(type)));
  }
  // 1 + length cannot overflow size_t: length is a positive int32.
  std::size_t total = 1 + static_cast<std::size_t>(length);
  if (total > max_len) {
    return make_error(Errc::too_large,
                      fmt::format("message of type 0x{:02x} is {} bytes, above the limit of {}",
                                  static_cast<unsigned char>(type), total, max_len));
  }
  return total;
}

}  // namespace

FrameHeader decode_frame_header(std::string_view buf, std::size_t max_len) {
  FrameHeader h;
  if (buf.size() < kHeaderSize) return h;  // need_more
  char type = buf[0];
  auto length = static_cast<std::int32_t>(detail::load_be32(buf.data() + 1));
  auto total = checked_total(type, length, max_len);
  if (!total) {
    h.status = FrameHeader::Status::error;
    h.error = std::move(total).error();
    return h;
  }
  h.status = FrameHeader::Status::ready;
  h.type = type;
  h.total = *total;
  return h;
}

FrameDecode decode_frame(std::string_view buf, std::size_t max_len) {
  FrameDecode d;
  FrameHeader h = decode_frame_header(buf, max_len);
  switch (h.status) {
    case FrameHeader::Status::need_more:
      return d;
    case FrameHeader::Status::error:
      d.status = FrameDecode::Status::error;
      d.error = std::move(h.error);
      return d;
    case FrameHeader::Status::ready:
      break;
  }
  if (buf.size() < h.total) {
    d.wanted = h.total;  // lets the caller size its buffer once instead of growing it per read
    return d;
  }
  d.status = FrameDecode::Status::ready;
  d.frame.type = h.type;
  d.frame.body = buf.substr(kHeaderSize, h.total - kHeaderSize);
  d.consumed = h.total;
  return d;
}

}  // namespace borealis::pgwire
