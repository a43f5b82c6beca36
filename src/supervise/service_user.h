// The unprivileged OS user that runs postgres, the KDC and the gateway when borealis runs as root
// (PostgreSQL refuses to run as root, and nothing reachable from the network should).
// It must never create a user with a login shell or a home directory.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/result.h"

namespace borealis::supervise {

struct ServiceUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  bool is_current_user = false;  // true when borealis is not root: children run as ourselves
};

// As root: returns the system user `name`, creating it (and its same-named group) with
// `useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin --user-group`
// if missing. Not root: returns the current user (we cannot switch users anyway), ignoring `name`.
Result<ServiceUser> lookup_or_create(const std::string& name);

// Looks up an existing user only.
Result<ServiceUser> lookup(const std::string& name);

// A portable user name: [a-z_][a-z0-9_-]{0,31}. Everything else is refused before reaching useradd.
bool valid_user_name(const std::string& name);

}  // namespace borealis::supervise
