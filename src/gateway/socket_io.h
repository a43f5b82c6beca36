// One non-blocking socket as the event loop sees it: fd, transport, input and output queues, and
// the epoll interest derived from them. Shared by client sessions and backend connections.
#pragma once

#include <sys/epoll.h>

#include <cstdint>
#include <memory>
#include <string_view>

#include "common/fd.h"
#include "gateway/byte_buffer.h"
#include "gateway/reactor.h"
#include "gateway/transport.h"

namespace borealis::gateway {

// Output above this much stops reading from the peer that produces it (backpressure).
constexpr std::size_t kOutputHighWater = 256 * 1024;
// A single read asks for this much; TLS records are at most 16 KiB, so this takes several.
constexpr std::size_t kReadChunk = 32 * 1024;

struct SocketIo {
  UniqueFd fd;
  std::unique_ptr<Transport> transport;
  ByteBuffer in;
  ByteBuffer out;
  bool reading = true;           // we want input (false while the other side is backed up)
  std::uint32_t registered = 0;  // events currently registered with epoll
  bool in_epoll = false;

  enum class Fill { progress, would_block, closed, error };
  // Reads until the transport would block or `in` holds at least `limit` bytes.
  Fill fill(std::size_t limit);
  enum class Flush { done, would_block, error };
  Flush flush();
  // Queues `bytes`; writes straight through when nothing is queued (the common case).
  Flush send(std::string_view bytes);
  // Registers or updates the epoll interest to match `reading` and pending output.
  Status sync_interest(Reactor& reactor, Reactor::Handler* handler);
  void unregister(Reactor& reactor);
};

}  // namespace borealis::gateway
