// The gateway's Kerberos acceptor work, off the event loop: acquiring an endpoint's credentials from
// its keytab and running gss_accept_sec_context steps. Both read the keytab and write the replay
// cache (file locking), so they run on worker threads; results come back through Reactor::post.
// wrap/unwrap of an established context is CPU-only and stays on the loop (see gss_transport.h).
//
// It must never log a token or key; GSS failures are logged with major and minor status only.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "gateway/config.h"
#include "krb/acceptor.h"

namespace borealis::gateway {

class Reactor;

class KerberosService {
 public:
  // `acceptor` is the exchange in progress (returned so the session can continue it); null when the
  // step failed before an Acceptor existed (no credentials).
  using Done = std::function<void(std::unique_ptr<krb::Acceptor> acceptor, krb::Step step)>;

  KerberosService(Reactor& reactor, int threads);
  ~KerberosService();
  KerberosService(const KerberosService&) = delete;
  KerberosService& operator=(const KerberosService&) = delete;

  // One client token. With a null `acceptor` a new exchange starts with the endpoint's credentials
  // (acquired once per keytab/principal/replay cache and reused). `done` runs on the reactor thread.
  void step(const KerberosConfig& config, std::unique_ptr<krb::Acceptor> acceptor, std::string token, Done done);

  // Drops cached credentials (config reload): the next exchange acquires them again, so a keytab
  // that moved or a principal that changed is picked up. In-flight exchanges keep theirs.
  void forget_credentials();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace borealis::gateway
