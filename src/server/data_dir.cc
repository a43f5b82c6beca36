#include "server/data_dir.h"

#include <unistd.h>

#include <cstdlib>

#include "common/fs.h"

namespace borealis::server {

Status DataDir::prepare(const supervise::ServiceUser& user) const {
  if (auto s = fs::ensure_dir(root, 0711); !s) return s;
  if (auto s = fs::ensure_dir(tls_dir(), 0755); !s) return s;
  if (auto s = fs::ensure_dir(logs_dir(), 0711); !s) return s;
  if (auto s = fs::ensure_dir(gateway_dir(), 0700); !s) return s;
  if (!user.is_current_user) {
    if (auto s = fs::chown_tree(gateway_dir(), user.uid, user.gid); !s) return s;
  }
  return ok_status();
}

std::string default_data_dir() {
  if (::geteuid() == 0) return "/var/lib/borealis";
  const char* home = std::getenv("HOME");
  return std::string(home ? home : "/tmp") + "/.local/share/borealis";
}

}  // namespace borealis::server
