// The gateway's side of IAM token logins: it asks the control plane (auth/iam_exchange.h) over its
// unix socket, on a worker thread, one question at a time on one kept-open connection. Nothing is
// cached, so every login sees the current keys and policies; the gateway never holds a secret key.
//
// Fail closed: if the socket is missing, refuses the connection, or does not answer within the
// timeout, the answer is `unavailable` and the login is refused. Kerberos and SCRAM never come here.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "auth/iam_exchange.h"

namespace borealis::gateway {

class Reactor;

class IamClient {
 public:
  using Done = std::function<void(auth::IamLoginAnswer)>;

  explicit IamClient(Reactor& reactor);
  ~IamClient();
  IamClient(const IamClient&) = delete;
  IamClient& operator=(const IamClient&) = delete;

  // `done` runs on the reactor thread. The question's id is assigned here.
  void check(std::string socket_path, auth::IamLoginQuestion question, Done done);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace borealis::gateway
