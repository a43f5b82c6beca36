// Reads what the gateway must know about a role (pg_authid: verifier, validity, login, superuser,
// rds_ad / rds_iam membership) from the target instance, on a worker thread: libpq blocks, the
// event loop must not. Results come back to the loop through Reactor::post. Nothing is cached: a
// changed password or revoked role applies to the very next login.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "auth/method.h"
#include "common/result.h"

namespace borealis::gateway {

class Reactor;

struct CatalogRequest {
  std::string socket_dir;
  int socket_port = 0;
  std::string catalog_user;
  std::string role;
};

class Catalog {
 public:
  using Callback = std::function<void(Result<auth::RoleFacts>)>;

  explicit Catalog(Reactor& reactor);
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  // `done` runs on the reactor thread.
  void lookup(CatalogRequest request, Callback done);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace borealis::gateway
