// The control plane's side of IAM token logins: a thread that answers the gateway's questions
// (auth/iam_exchange.h) on a unix socket inside the gateway's private directory, with its own
// connection to the store. Only the gateway's OS user (and the server's own) may connect: each peer's
// uid is checked with SO_PEERCRED, and the socket file is 0600 in a 0700 directory.
//
// One thread, a few connections: the gateway keeps one open and asks one question at a time per
// connection; an answer costs a couple of SQLite reads, an HMAC chain (cached per key and day) and a
// policy evaluation, well under a millisecond.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "server/iam_db_login.h"

namespace borealis::server {

struct IamLoginServiceOptions {
  std::string socket_path;  // <data>/gateway/iam.sock
  std::string store_path;
  DbLoginSettings settings;
  uid_t owner_uid = 0;  // the gateway's OS user: owns the socket file
  gid_t owner_gid = 0;
  bool chown_socket = false;     // true when the server runs as root and the gateway does not
  std::vector<uid_t> peers;      // uids allowed to ask (the gateway's; the server's own)
};

class IamLoginService {
 public:
  // Opens the store, binds the socket (replacing a stale one) and starts the thread.
  static Result<std::unique_ptr<IamLoginService>> start(IamLoginServiceOptions options);
  ~IamLoginService();
  IamLoginService(const IamLoginService&) = delete;
  IamLoginService& operator=(const IamLoginService&) = delete;

  // Stops the thread and removes the socket file; the gateway's next question fails closed.
  void stop();

  struct Impl;

 private:
  explicit IamLoginService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace borealis::server
