#include "server/api_service.h"

#include "api/router.h"
#include "common/log.h"
#include "directory/mit_provider.h"
#include "http/server.h"
#include "identity/account.h"
#include "identity/authorize.h"
#include "identity/operations.h"
#include "identity/resolve.h"
#include "network/defaults.h"
#include "network/ec2.h"
#include "network/model.h"
#include "server/ds_handlers.h"
#include "server/rds_network.h"
#include "server/rds_operations.h"
#include "store/store.h"

namespace borealis::server {

struct ApiService::Impl {
  ApiServiceOptions options;
  store::Store store;
  api::ApiSettings settings;
  identity::AccountInfo account;
  directory::MitProvider ds_tools;
  DsState ds_state;
  std::unique_ptr<api::Router> router;
  std::optional<http::Server> server;

  Impl(ApiServiceOptions o, store::Store s)
      : options(std::move(o)),
        store(std::move(s)),
        ds_tools(directory::MitOptions{options.data_dir, options.user, options.stdin_exec}) {
    ds_state.tools = &ds_tools;
  }
};

Result<std::unique_ptr<ApiService>> ApiService::start(ApiServiceOptions options) {
  auto store = store::Store::open(options.store_path);
  if (!store.ok()) return std::move(store).error();
  auto impl = std::make_unique<Impl>(std::move(options), std::move(store).value());
  const ApiServiceOptions& o = impl->options;

  if (auto s = network::ensure_default_network(impl->store, o.regions); !s) return std::move(s).error();
  set_rds_network(rds_network_from_store());
  network::add_dependency_check(rds_holder_of);
  auto server = http::Server::listen(o.host, o.port, http::ServerOptions{});
  if (!server.ok()) return std::move(server).error();
  impl->server.emplace(std::move(server).value());

  api::ApiSettings& settings = impl->settings;
  settings.default_region = o.default_region;
  settings.regions = o.regions;
  settings.sts_inactive_regions = o.sts_inactive_regions;
  settings.data_dir = o.data_dir;
  settings.endpoint_url = "http://" + o.host + ":" + std::to_string(impl->server->port());
  auto account = identity::ensure_account(impl->store, o.data_dir, settings.endpoint_url, o.default_region);
  if (!account.ok()) return std::move(account).error();
  impl->account = std::move(account).value();
  settings.account_id = impl->account.account_id;

  Impl* self = impl.get();
  api::RouterOptions ro;
  ro.settings = &self->settings;
  ro.store = &self->store;
  ro.services = {rds_operations(), identity::iam_operations(), identity::sts_operations(), network::ec2_operations(),
                 ds_operations(self->ds_state)};
  ro.resolve_key = [self](std::string_view access_key_id, std::optional<std::string_view> presented_token) {
    (void)presented_token;  // identity derives session tokens from its key file (resolve.h)
    return identity::resolve_access_key(self->store, self->settings, access_key_id);
  };
  ro.authorize = [self](const api::Caller& caller, const iam::RequestContext& request) {
    return identity::authorize(self->store, caller, request);
  };
  ro.wake_reconciler = self->options.wake_reconciler;
  impl->router = std::make_unique<api::Router>(std::move(ro));
  auto started = impl->server->start([self](const http::Request& request, const http::Peer& peer) {
    http::Response response = self->router->handle(request, peer.ip);
    if (!self->store.idle()) log::error("api", "a request left the store in a transaction (status {})", response.status);
    return response;
  });
  if (!started) return std::move(started).error();
  log::info("api", "borealis API listening on {} (account {})", settings.endpoint_url, settings.account_id);
  return std::unique_ptr<ApiService>(new ApiService(std::move(impl)));
}

ApiService::ApiService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ApiService::~ApiService() { stop(); }

void ApiService::stop() {
  if (impl_ && impl_->server) impl_->server->stop();
}

int ApiService::port() const { return impl_->server->port(); }
std::string ApiService::endpoint_url() const { return impl_->settings.endpoint_url; }
const std::string& ApiService::account_id() const { return impl_->account.account_id; }
const std::string& ApiService::credentials_file() const { return impl_->account.credentials_path; }
const std::string& ApiService::config_file() const { return impl_->account.config_path; }

}  // namespace borealis::server
