// Where one PostgreSQL instance lives inside the borealis data dir:
//   <data>/instances/<id>/pgdata        PGDATA, 0700, owned by the service user
//   <data>/instances/<id>/postgres.log  postgres' stderr (appended by the supervisor), 0600
//   <data>/run/pg-<id>/                 the unix socket dir, 0700, owned by the service user
// Pure path arithmetic plus one create_dirs(); it must never delete anything.
#pragma once

#include <string>

#include "common/result.h"
#include "supervise/service_user.h"

namespace borealis::cluster {

struct InstanceLayout {
  std::string data_dir;
  std::string instance_id;
  int socket_port = 0;
  std::string instance_dir;
  std::string pgdata;
  std::string log_path;
  std::string socket_dir;

  // Validates the id ([A-Za-z][A-Za-z0-9-]{0,62}, as AWS instance identifiers) and that the socket
  // path fits sun_path (107 bytes): a too-long data dir is an error here, not a cryptic postgres failure.
  static Result<InstanceLayout> make(const std::string& data_dir, const std::string& instance_id, int socket_port);

  // <socket_dir>/.s.PGSQL.<port>
  std::string socket_path() const;

  // Creates the directories with the modes above. <data>/instances and <data>/run are 0711 root-owned
  // (traversable, not listable); the per-instance dirs are handed to `user` when running as root.
  Status create_dirs(const supervise::ServiceUser& user) const;
};

bool valid_instance_id(const std::string& id);

}  // namespace borealis::cluster
