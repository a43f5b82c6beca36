// GSSAPI-encrypted transport (see gss_transport.h). Must never return a byte that was not inside a
// confidential, successfully unwrapped packet, never send a byte that was not wrapped with
// confidentiality, and never put token or plaintext bytes into an error message.
#include "gateway/gss_transport.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>

#include "krb/exchange.h"
#include "pgwire/gssenc.h"

namespace borealis::gateway {
namespace {

using pgwire::GssEncDecode;
using pgwire::GssEncPhase;

// The codec's handshake cap is the krb one (pgwire cannot include krb), and every data packet the
// codec accepts must be small enough for Acceptor::unwrap.
static_assert(pgwire::kGssEncMaxHandshakeToken == krb::kMaxHandshakeTokenBytes);
static_assert(pgwire::kGssEncMaxDataToken <= krb::kMaxWrappedTokenBytes);

// One recv() asks for at most two whole packets: few syscalls for a burst, and since we only read
// when no complete packet is buffered, the ciphertext buffer stays below 3 packets.
constexpr std::size_t kRecvChunk = 2 * pgwire::kGssEncMaxPacket;

class GssTransport final : public Transport {
 public:
  GssTransport(int fd, std::shared_ptr<krb::Acceptor> context, std::string already_received,
               std::size_t max_plaintext)
      : fd_(fd), context_(std::move(context)), cipher_in_(std::move(already_received)),
        max_plaintext_(max_plaintext) {}

  IoResult read(char* buf, std::size_t len) override {
    if (failed_) return {IoStatus::error, 0};
    std::size_t produced = take_plaintext(buf, len);
    while (produced < len) {
      // Decrypt what already arrived before asking the socket for more.
      const GssEncDecode d = pgwire::decode_gssenc_packet(pending_cipher(), GssEncPhase::data);
      if (d.status == GssEncDecode::Status::error) return fail(d.error.message);
      if (d.status == GssEncDecode::Status::packet) {
        auto plain = context_->unwrap(d.body, /*require_confidentiality=*/true);
        if (!plain) return fail("GSSAPI unwrap failed: " + plain.error().message);
        cipher_pos_ += d.consumed;
        plain_ = std::move(plain).value();
        plain_pos_ = 0;
        produced += take_plaintext(buf + produced, len - produced);
        continue;
      }
      // A partial packet: return what we have (the socket is polled again), or read more.
      if (produced > 0) break;
      const IoResult r = receive();
      if (r.status != IoStatus::ok) return r;
    }
    return {IoStatus::ok, produced};
  }

  IoResult write(const char* buf, std::size_t len) override {
    if (failed_) return {IoStatus::error, 0};
    if (len < pending_plaintext_) {
      return fail("write() did not offer again the bytes of a partly sent GSSAPI packet");
    }
    std::size_t accepted = 0;  // plaintext whose packets reached the socket during this call
    for (;;) {
      if (out_pos_ < cipher_out_.size()) {
        const ssize_t n = ::send(fd_, cipher_out_.data() + out_pos_, cipher_out_.size() - out_pos_, MSG_NOSIGNAL);
        if (n < 0) {
          if (errno == EINTR) continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return accepted > 0 ? IoResult{IoStatus::ok, accepted} : IoResult{IoStatus::would_block, 0};
          }
          return fail(std::strerror(errno));
        }
        out_pos_ += static_cast<std::size_t>(n);
        if (out_pos_ < cipher_out_.size()) continue;  // partial send: the next one will likely say EAGAIN
        accepted += pending_plaintext_;
        pending_plaintext_ = 0;
        cipher_out_.clear();
        out_pos_ = 0;
      }
      if (accepted == len) return {IoStatus::ok, accepted};
      const std::size_t chunk = std::min(len - accepted, max_plaintext_);
      auto token = context_->wrap(std::string_view(buf + accepted, chunk), /*confidential=*/true);
      if (!token) return fail("GSSAPI wrap failed: " + token.error().message);
      if (auto s = pgwire::encode_gssenc_packet(cipher_out_, *token, GssEncPhase::data); !s) {
        return fail(s.error().message);
      }
      pending_plaintext_ = chunk;
    }
  }

  bool wants_write() const override { return out_pos_ < cipher_out_.size(); }

  // Decrypted bytes not yet returned, plus every complete packet already read off the socket (and
  // a bad length word, so the caller reads again and sees the error instead of waiting on epoll).
  std::size_t buffered() const override {
    std::size_t n = plain_.size() - plain_pos_;
    std::string_view rest = pending_cipher();
    for (;;) {
      const GssEncDecode d = pgwire::decode_gssenc_packet(rest, GssEncPhase::data);
      if (d.status == GssEncDecode::Status::packet) {
        n += d.consumed;
        rest.remove_prefix(d.consumed);
        continue;
      }
      if (d.status == GssEncDecode::Status::error) n += rest.size();
      return n;
    }
  }

  bool is_gss_encrypted() const override { return true; }
  std::string describe_error() const override { return error_; }

 private:
  std::string_view pending_cipher() const { return std::string_view(cipher_in_).substr(cipher_pos_); }

  std::size_t take_plaintext(char* dst, std::size_t room) {
    const std::size_t n = std::min(room, plain_.size() - plain_pos_);
    if (n > 0) std::memcpy(dst, plain_.data() + plain_pos_, n);
    plain_pos_ += n;
    if (plain_pos_ == plain_.size()) {
      plain_.clear();
      plain_pos_ = 0;
    }
    return n;
  }

  // One recv() of ciphertext; ok means something arrived.
  IoResult receive() {
    cipher_in_.erase(0, cipher_pos_);
    cipher_pos_ = 0;
    const std::size_t old = cipher_in_.size();
    cipher_in_.resize(old + kRecvChunk);
    for (;;) {
      const ssize_t n = ::recv(fd_, cipher_in_.data() + old, kRecvChunk, 0);
      const int err = errno;
      if (n > 0) {
        cipher_in_.resize(old + static_cast<std::size_t>(n));
        return {IoStatus::ok, static_cast<std::size_t>(n)};
      }
      cipher_in_.resize(old);
      if (n == 0) {
        // Truncated ciphertext is an attack or a broken peer, not a clean end of the stream.
        if (old > 0) return fail("connection closed in the middle of a GSSAPI-encrypted packet");
        return {IoStatus::closed, 0};
      }
      if (err == EINTR) {
        cipher_in_.resize(old + kRecvChunk);
        continue;
      }
      if (err == EAGAIN || err == EWOULDBLOCK) return {IoStatus::would_block, 0};
      return fail(std::strerror(err));
    }
  }

  // Every failure is final: the stream cannot be trusted or resynchronised after it.
  IoResult fail(std::string message) {
    failed_ = true;
    error_ = std::move(message);
    plain_.clear();
    plain_pos_ = 0;
    return {IoStatus::error, 0};
  }

  int fd_;
  std::shared_ptr<krb::Acceptor> context_;
  // Ciphertext read but not yet unwrapped; bytes before cipher_pos_ are consumed.
  std::string cipher_in_;
  std::size_t cipher_pos_ = 0;
  // Plaintext of the last unwrapped packet not yet handed out (at most one packet's worth).
  std::string plain_;
  std::size_t plain_pos_ = 0;
  // The framed packet being sent (at most one), how much of it went out, and how many plaintext
  // bytes it holds — reported to the caller only once the whole packet is on the socket.
  std::string cipher_out_;
  std::size_t out_pos_ = 0;
  std::size_t pending_plaintext_ = 0;
  std::size_t max_plaintext_;
  bool failed_ = false;
  std::string error_;
};

}  // namespace

Result<std::unique_ptr<Transport>> make_gss_server_transport(int fd, std::shared_ptr<krb::Acceptor> established,
                                                            std::string already_received) {
  if (fd < 0) return make_error(Errc::invalid_argument, "GSSAPI transport needs a socket");
  if (!established || established->state() != krb::Acceptor::State::succeeded) {
    return make_error(Errc::internal, "GSSAPI transport needs an established security context");
  }
  // gssenc without confidentiality would be plaintext with extra steps: refuse to start at all.
  if (!established->confidentiality_available()) {
    return make_error(Errc::protocol_violation, "GSSAPI context was negotiated without confidentiality");
  }
  auto max_plaintext = established->max_wrap_plaintext(pgwire::kGssEncMaxDataToken);
  if (!max_plaintext) return std::move(max_plaintext).error();
  if (*max_plaintext == 0) return make_error(Errc::internal, "GSSAPI wrap size limit leaves no room for data");
  return std::unique_ptr<Transport>(
      std::make_unique<GssTransport>(fd, std::move(established), std::move(already_received), *max_plaintext));
}

}  // namespace borealis::gateway
