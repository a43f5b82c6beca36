// One server connection from the gateway to a PostgreSQL instance over its private unix socket,
// logged in as the client's role (the instance trusts the gateway's OS user there). Its life:
// starting -> linked to a client session -> resetting (DISCARD ALL) -> idle in the pool -> linked
// again, until it breaks or idles out. The pool owns it; a session borrows it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gateway/frame_scanner.h"
#include "gateway/reactor.h"
#include "gateway/socket_io.h"
#include "pgwire/constants.h"
#include "pgwire/messages.h"

namespace borealis::gateway {

class Pool;
class Session;

using StartupParams = std::vector<std::pair<std::string, std::string>>;

class Backend final : public Reactor::Handler {
 public:
  enum class State { starting, linked, resetting, idle, closed };

  Backend(Pool& pool, std::string key, UniqueFd fd);
  ~Backend();

  // Sends the StartupMessage for `user`/`database` with the client's other parameters.
  Status start(const StartupParams& params);
  void on_io(std::uint32_t events) override;

  // Linked use: the session relays; the backend tracks whether it is clean enough to pool.
  void link(Session* session);
  void note_client_frame(char type);   // a frame forwarded from the client
  void note_ready_for_query(pgwire::TxStatus status);
  bool reusable() const;
  // Resets session state (ROLLBACK if needed, then DISCARD ALL) and returns to the pool when done.
  void begin_reset();
  void close(std::string_view why);

  State state() const { return state_; }
  const std::string& key() const { return key_; }
  Session* owner() const { return owner_; }
  void set_owner(Session* s) { owner_ = s; }
  const std::map<std::string, std::string>& parameters() const { return parameters_; }
  void set_parameter(std::string name, std::string value) { parameters_[std::move(name)] = std::move(value); }
  std::int32_t pid() const { return pid_; }
  std::int32_t secret() const { return secret_; }
  std::chrono::steady_clock::time_point idle_since() const { return idle_since_; }

  SocketIo io;
  FrameScanner scanner;  // used by the linked session for backend -> client

 private:
  void on_control_io(std::uint32_t events);
  void process_startup_frames();
  void process_reset_frames();

  Pool& pool_;
  std::string key_;
  State state_ = State::starting;
  Session* owner_ = nullptr;
  std::map<std::string, std::string> parameters_;
  std::int32_t pid_ = 0;
  std::int32_t secret_ = 0;
  pgwire::TxStatus tx_ = pgwire::TxStatus::idle;
  int pending_syncs_ = 0;  // Query/Sync/FunctionCall forwarded and not yet answered by ReadyForQuery
  bool partial_batch_ = false;  // extended-protocol or COPY messages forwarded without their Sync/CopyDone
  bool discard_done_ = false;
  std::chrono::steady_clock::time_point idle_since_{};
};

}  // namespace borealis::gateway
