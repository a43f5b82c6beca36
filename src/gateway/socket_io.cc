#include "gateway/socket_io.h"

namespace borealis::gateway {

SocketIo::Fill SocketIo::fill(std::size_t limit) {
  bool progressed = false;
  while (in.size() < limit) {
    char* dst = in.prepare(kReadChunk);
    const std::size_t asked = in.tail_capacity();
    IoResult r = transport->read(dst, asked);
    switch (r.status) {
      case IoStatus::ok:
        in.commit(r.bytes);
        progressed = true;
        // A short read means the socket is drained for now: skip the recv() that would only say
        // EAGAIN (epoll is level-triggered, and TLS-buffered bytes are handled via buffered()).
        if (r.bytes < asked) return Fill::progress;
        continue;
      case IoStatus::would_block:
        return progressed ? Fill::progress : Fill::would_block;
      case IoStatus::closed:
        return progressed ? Fill::progress : Fill::closed;
      case IoStatus::error:
        return Fill::error;
    }
  }
  return Fill::progress;
}

SocketIo::Flush SocketIo::flush() {
  while (!out.empty()) {
    IoResult r = transport->write(out.data(), out.size());
    if (r.status == IoStatus::ok) {
      out.consume(r.bytes);
      continue;
    }
    if (r.status == IoStatus::would_block) return Flush::would_block;
    return Flush::error;
  }
  return Flush::done;
}

SocketIo::Flush SocketIo::send(std::string_view bytes) {
  if (bytes.empty()) return out.empty() ? Flush::done : Flush::would_block;
  if (out.empty()) {
    IoResult r = transport->write(bytes.data(), bytes.size());
    if (r.status == IoStatus::error) return Flush::error;
    std::size_t written = r.status == IoStatus::ok ? r.bytes : 0;
    if (written == bytes.size()) return Flush::done;
    out.append(bytes.substr(written));
    return Flush::would_block;
  }
  out.append(bytes);
  return flush();
}

Status SocketIo::sync_interest(Reactor& reactor, Reactor::Handler* handler) {
  // No EPOLLRDHUP: while reading is paused a half-closed peer would wake the loop forever; the
  // close is seen by the next read instead (EPOLLHUP/EPOLLERR are always reported).
  std::uint32_t want = 0;
  if (reading || transport->wants_read()) want |= EPOLLIN;
  if (!out.empty() || transport->wants_write()) want |= EPOLLOUT;
  if (in_epoll && want == registered) return ok_status();
  Status s = in_epoll ? reactor.modify(fd.get(), want, handler) : reactor.add(fd.get(), want, handler);
  if (s) {
    registered = want;
    in_epoll = true;
  }
  return s;
}

void SocketIo::unregister(Reactor& reactor) {
  if (in_epoll && fd) reactor.remove(fd.get());
  in_epoll = false;
  registered = 0;
}

}  // namespace borealis::gateway
