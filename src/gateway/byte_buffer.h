// A growable byte queue for socket I/O: append at the tail, consume from the head, with the head
// compacted lazily so steady-state relaying does no allocation and little copying.
#pragma once

#include <cstddef>
#include <cstring>
#include <string_view>
#include <vector>

namespace borealis::gateway {

class ByteBuffer {
 public:
  std::size_t size() const noexcept { return end_ - begin_; }
  bool empty() const noexcept { return begin_ == end_; }
  const char* data() const noexcept { return buf_.data() + begin_; }
  std::string_view view() const noexcept { return {data(), size()}; }

  void append(std::string_view bytes) {
    char* dst = prepare(bytes.size());
    std::memcpy(dst, bytes.data(), bytes.size());
    commit(bytes.size());
  }
  // Space for at least `n` more bytes at the tail; write into it, then commit() what was written.
  char* prepare(std::size_t n) {
    if (buf_.size() - end_ < n) {
      if (begin_ > 0) {  // compact first: usually enough and avoids growth
        std::memmove(buf_.data(), buf_.data() + begin_, size());
        end_ -= begin_;
        begin_ = 0;
      }
      if (buf_.size() - end_ < n) buf_.resize(end_ + n);
    }
    return buf_.data() + end_;
  }
  std::size_t tail_capacity() const noexcept { return buf_.size() - end_; }
  void commit(std::size_t n) noexcept { end_ += n; }
  void consume(std::size_t n) noexcept {
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;
  }
  void clear() noexcept { begin_ = end_ = 0; }
  // Gives memory back after a burst (a large COPY) so idle connections stay small.
  void shrink_if_idle(std::size_t keep) {
    if (empty() && buf_.size() > keep) {
      std::vector<char>(keep).swap(buf_);
    }
  }

 private:
  std::vector<char> buf_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

}  // namespace borealis::gateway
