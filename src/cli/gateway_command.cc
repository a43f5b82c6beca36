#include "cli/gateway_command.h"

#include "cli/log_level.h"
#include "common/log.h"
#include "gateway/gateway.h"

namespace borealis::cli {

int run_gateway(const GatewayCommandOptions& options) {
  log::set_process_tag("gateway");
  apply_log_level(options.log_level);
  auto gw = gateway::Gateway::create(gateway::GatewayOptions{options.config_path});
  if (!gw.ok()) {
    log::error("gateway", "cannot start: {}", gw.error().message);
    return 1;
  }
  return (*gw)->run();
}

}  // namespace borealis::cli
