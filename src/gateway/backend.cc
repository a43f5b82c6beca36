#include "gateway/backend.h"

#include "common/log.h"
#include "gateway/pool.h"
#include "gateway/session.h"
#include "pgwire/frame.h"

namespace borealis::gateway {
namespace {
// Messages a backend sends before it is linked (startup and reset replies) are small; a larger one
// means something is wrong with the instance.
constexpr std::size_t kMaxControlMessage = 1024 * 1024;
// ParameterStatus bodies are kept for replay to later clients; they are short GUC values.
constexpr std::size_t kMaxParameterStatus = 8192;
}  // namespace

Backend::Backend(Pool& pool, std::string key, UniqueFd fd)
    : scanner("SZ", "", false, pgwire::kMaxRelayedMessage, kMaxParameterStatus), pool_(pool), key_(std::move(key)) {
  io.transport = make_plain_transport(fd.get());
  io.fd = std::move(fd);
}

Backend::~Backend() { io.unregister(pool_.reactor()); }

Status Backend::start(const StartupParams& params) {
  std::string msg;
  pgwire::encode_startup_message(msg, pgwire::kProtocolV3, params);
  if (io.send(msg) == SocketIo::Flush::error) return make_error(Errc::unavailable, "could not send startup packet to the instance");
  return io.sync_interest(pool_.reactor(), this);
}

void Backend::on_io(std::uint32_t events) {
  if (state_ == State::closed) return;
  if (state_ == State::linked && owner_ != nullptr) {
    owner_->on_backend_io(events);
    return;
  }
  on_control_io(events);
}

void Backend::on_control_io(std::uint32_t events) {
  if (events & EPOLLOUT) {
    if (io.flush() == SocketIo::Flush::error) return close("write to instance failed");
  }
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
    auto fill = io.fill(kMaxControlMessage + 5);
    if (fill == SocketIo::Fill::error || fill == SocketIo::Fill::closed) {
      if (state_ == State::starting) {
        pool_.on_start_failed(*this, {"FATAL", "08006", "the database instance closed the connection during startup", "", ""});
      }
      return close(fill == SocketIo::Fill::closed ? "instance closed the connection" : "read from instance failed");
    }
    if (state_ == State::starting) process_startup_frames();
    else if (state_ == State::resetting) process_reset_frames();
    else if (state_ == State::idle && !io.in.empty()) return close("unexpected message from an idle backend");
  }
  if (state_ != State::closed && state_ != State::linked) {
    if (auto s = io.sync_interest(pool_.reactor(), this); !s) close(s.error().message);
  }
}

void Backend::process_startup_frames() {
  while (state_ == State::starting) {
    auto d = pgwire::decode_frame(io.in.view(), kMaxControlMessage);
    if (d.status == pgwire::FrameDecode::Status::need_more) return;
    if (d.status == pgwire::FrameDecode::Status::error) {
      pool_.on_start_failed(*this, {"FATAL", "08P01", "invalid message from the database instance", "", ""});
      return close(d.error.message);
    }
    const pgwire::Frame f = d.frame;
    switch (f.type) {
      case 'R': {
        auto code = pgwire::parse_auth_code(f.body);
        if (!code.ok() || *code != pgwire::AuthCode::ok) {
          // The instance must trust the gateway on its private socket; anything else is a setup bug.
          log::error("backend", "instance asked the gateway to authenticate (pg_hba/pg_ident do not trust the gateway)");
          pool_.on_start_failed(*this, {"FATAL", "08006", "the database instance refused the gateway", "", ""});
          return close("unexpected authentication request");
        }
        break;
      }
      case 'S': {
        if (auto ps = pgwire::parse_parameter_status(f.body); ps.ok()) parameters_[ps->name] = ps->value;
        break;
      }
      case 'K': {
        if (auto k = pgwire::parse_backend_key_data(f.body); k.ok()) {
          pid_ = k->pid;
          secret_ = k->secret;
        }
        break;
      }
      case 'N':
        break;
      case 'E': {
        auto fields = pgwire::parse_error_fields(f.body);
        pgwire::ErrorFields e = fields.ok() ? *fields : pgwire::ErrorFields{"FATAL", "08P01", "the database instance refused the connection", "", ""};
        io.in.consume(d.consumed);
        pool_.on_start_failed(*this, e);
        return close("startup refused: " + e.message);
      }
      case 'Z': {
        auto st = pgwire::parse_ready_for_query(f.body);
        tx_ = st.ok() ? *st : pgwire::TxStatus::idle;
        io.in.consume(d.consumed);
        if (!io.in.empty()) {
          pool_.on_start_failed(*this, {"FATAL", "08P01", "invalid message from the database instance", "", ""});
          return close("data after ReadyForQuery during startup");
        }
        pool_.on_started(*this);
        return;
      }
      default:
        pool_.on_start_failed(*this, {"FATAL", "08P01", "invalid message from the database instance", "", ""});
        return close("unexpected message during startup");
    }
    io.in.consume(d.consumed);
  }
}

void Backend::link(Session* session) {
  owner_ = session;
  state_ = State::linked;
  pending_syncs_ = 0;
  partial_batch_ = false;
  scanner.reset();
}

void Backend::note_client_frame(char type) {
  switch (type) {
    case 'Q': case 'S': case 'F':
      ++pending_syncs_;
      partial_batch_ = false;
      break;
    case 'c': case 'f':  // CopyDone / CopyFail end the COPY sub-protocol
      partial_batch_ = false;
      break;
    default:
      partial_batch_ = true;
  }
}

void Backend::note_ready_for_query(pgwire::TxStatus status) {
  tx_ = status;
  if (pending_syncs_ > 0) --pending_syncs_;
}

bool Backend::reusable() const {
  return state_ == State::linked && pending_syncs_ == 0 && !partial_batch_ && tx_ == pgwire::TxStatus::idle &&
         io.in.empty() && io.out.empty();
}

void Backend::begin_reset() {
  owner_ = nullptr;
  state_ = State::resetting;
  discard_done_ = false;
  std::string msg;
  if (tx_ != pgwire::TxStatus::idle) pgwire::encode_query(msg, "ROLLBACK");
  // DISCARD ALL: RESET ALL, DEALLOCATE ALL, CLOSE ALL, UNLISTEN *, drop temp tables, release locks.
  pgwire::encode_query(msg, "DISCARD ALL");
  if (io.send(msg) == SocketIo::Flush::error) return close("write to instance failed during reset");
  if (auto s = io.sync_interest(pool_.reactor(), this); !s) close(s.error().message);
}

void Backend::process_reset_frames() {
  while (state_ == State::resetting) {
    auto d = pgwire::decode_frame(io.in.view(), kMaxControlMessage);
    if (d.status == pgwire::FrameDecode::Status::need_more) return;
    if (d.status == pgwire::FrameDecode::Status::error) return close(d.error.message);
    const pgwire::Frame f = d.frame;
    if (f.type == 'E') {
      io.in.consume(d.consumed);
      return close("reset failed");
    }
    if (f.type == 'S') {
      if (auto ps = pgwire::parse_parameter_status(f.body); ps.ok()) parameters_[ps->name] = ps->value;
    } else if (f.type == 'C') {
      // Only our own DISCARD ALL counts: replies still in flight from the previous client come first.
      if (f.body == std::string_view("DISCARD ALL\0", 12)) discard_done_ = true;
    } else if (f.type == 'Z') {
      auto st = pgwire::parse_ready_for_query(f.body);
      if (discard_done_) {
        io.in.consume(d.consumed);
        if (!st.ok() || *st != pgwire::TxStatus::idle || !io.in.empty()) return close("backend not idle after reset");
        tx_ = pgwire::TxStatus::idle;
        state_ = State::idle;
        idle_since_ = std::chrono::steady_clock::now();
        io.in.shrink_if_idle(kReadChunk);
        io.out.shrink_if_idle(kReadChunk);
        pool_.on_reset_done(*this);
        return;
      }
    }
    io.in.consume(d.consumed);
  }
}

void Backend::close(std::string_view why) {
  if (state_ == State::closed) return;
  log::debug("backend", "closing backend pid={} key_len={}: {}", pid_, key_.size(), why);
  if (state_ == State::idle || state_ == State::resetting) {
    // Be polite to an instance that is still there: Terminate lets it exit without a log complaint.
    std::string bye;
    pgwire::encode_terminate(bye);
    (void)io.send(bye);
  }
  const bool was_resetting = state_ == State::resetting;
  state_ = State::closed;
  io.unregister(pool_.reactor());
  io.fd.reset();
  pool_.on_closed(*this, was_resetting);
}

}  // namespace borealis::gateway
