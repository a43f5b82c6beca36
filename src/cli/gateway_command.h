// `borealis gateway`: the data-plane process (normally started and supervised by `borealis server`).
#pragma once

#include <string>

namespace borealis::cli {

struct GatewayCommandOptions {
  std::string config_path;
  std::string log_level = "info";
};

int run_gateway(const GatewayCommandOptions& options);

}  // namespace borealis::cli
