// `borealis dev`: the quickstart. Runs the server and makes sure a cluster "dev" exists; when it is
// available, prints how to connect with psql over verified TLS. It also makes sure a directory
// corp.example.com with a user alice exists and the cluster is joined to it, then prints the kinit
// and psql commands for a Kerberos login (dev_directory.h). The master password is generated
// once and kept in a pgpass file (0600) in the data dir: it is never printed or logged.
#pragma once

#include <string>

namespace borealis::cli {

struct DevCommandOptions {
  std::string data_dir;
  std::string log_level = "info";
  std::string service_user = "borealis";
  std::string endpoint_network;  // as `borealis server --endpoint-network`
};

int run_dev(const DevCommandOptions& options);

}  // namespace borealis::cli
