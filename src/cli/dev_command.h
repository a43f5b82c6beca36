// `borealis dev`: the quickstart. Runs the server and makes sure a cluster "dev" exists; when it is
// available, prints how to connect with psql over verified TLS. The master password is generated
// once and kept in a pgpass file (0600) in the data dir: it is never printed or logged.
#pragma once

#include <string>

namespace borealis::cli {

struct DevCommandOptions {
  std::string data_dir;
  std::string log_level = "info";
  std::string service_user = "borealis";
};

int run_dev(const DevCommandOptions& options);

}  // namespace borealis::cli
