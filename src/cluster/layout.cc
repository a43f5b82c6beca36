// InstanceLayout (see layout.h).
#include "cluster/layout.h"

#include <sys/un.h>
#include <unistd.h>

#include "common/fs.h"

namespace borealis::cluster {

bool valid_instance_id(const std::string& id) {
  if (id.empty() || id.size() > 63) return false;
  if (!((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= 'A' && id[0] <= 'Z'))) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

Result<InstanceLayout> InstanceLayout::make(const std::string& data_dir, const std::string& instance_id,
                                            int socket_port) {
  if (data_dir.empty() || data_dir[0] != '/')
    return make_error(Errc::invalid_argument, "data dir must be an absolute path");
  if (!valid_instance_id(instance_id)) return make_error(Errc::invalid_argument, "invalid instance id: " + instance_id);
  if (socket_port < 1 || socket_port > 65535) return make_error(Errc::invalid_argument, "socket port out of range");
  InstanceLayout l;
  l.data_dir = data_dir;
  while (l.data_dir.size() > 1 && l.data_dir.back() == '/') l.data_dir.pop_back();
  l.instance_id = instance_id;
  l.socket_port = socket_port;
  l.instance_dir = l.data_dir + "/instances/" + instance_id;
  l.pgdata = l.instance_dir + "/pgdata";
  l.log_path = l.instance_dir + "/postgres.log";
  l.socket_dir = l.data_dir + "/run/pg-" + instance_id;
  // postgres also creates "<socket>.lock" beside the socket; that name must fit as well.
  if (l.socket_path().size() + 5 >= sizeof(sockaddr_un{}.sun_path))
    return make_error(Errc::invalid_argument, "socket path " + l.socket_path() + " is too long for a unix socket");
  return l;
}

std::string InstanceLayout::socket_path() const {
  return socket_dir + "/.s.PGSQL." + std::to_string(socket_port);
}

Status InstanceLayout::create_dirs(const supervise::ServiceUser& user) const {
  for (const std::string& shared : {data_dir + "/instances", data_dir + "/run"}) {
    if (auto s = fs::ensure_dir(shared, 0711); !s) return s;
  }
  for (const std::string& own : {instance_dir, pgdata, socket_dir}) {
    if (auto s = fs::ensure_dir(own, 0700); !s) return s;
    if (::geteuid() == 0 && !user.is_current_user) {
      if (auto s = fs::chown_path(own, user.uid, user.gid); !s) return s;
    }
  }
  return ok_status();
}

}  // namespace borealis::cluster
