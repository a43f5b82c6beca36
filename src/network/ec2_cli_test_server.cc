// Test-only server for testdata/ec2_aws_cli_test.py: the real Router with the real EC2 handlers
// (ec2_operations) on a fresh store with the default network of two regions, behind the real
// loopback HTTP server, so the real /usr/bin/aws can be pointed at it before `borealis server`
// serves ec2. Prints its port on stdout and serves until stdin closes. One fixed, test-only root key:
// AKIDROOTEXAMPLE000001 / rootsecret. Never linked into borealis.
#include <unistd.h>

#include <iostream>
#include <string>

#include "api/router.h"
#include "common/fs.h"
#include "http/server.h"
#include "network/defaults.h"
#include "network/ec2.h"
#include "store/store.h"

namespace api = borealis::api;

int main() {
  char tmpl[] = "/tmp/borealis-ec2-cli-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return 1;
  const std::string dir = tmpl;
  int rc = 0;
  {
    auto store = borealis::store::Store::open(dir + "/borealis.db");
    if (!store) return 1;
    api::ApiSettings settings;
    settings.account_id = "123456789012";
    settings.regions = {"us-east-1", "eu-west-1"};
    if (!borealis::network::ensure_default_network(*store, settings.regions).ok()) return 1;
    api::RouterOptions options;
    options.settings = &settings;
    options.store = &*store;
    options.services = {borealis::network::ec2_operations()};
    options.resolve_key = [](std::string_view id, std::optional<std::string_view>) -> std::optional<api::ResolvedKey> {
      if (id != "AKIDROOTEXAMPLE000001") return std::nullopt;
      api::ResolvedKey k;
      k.credentials.secret_access_key = borealis::Secret("rootsecret");
      k.caller = {api::PrincipalKind::root, "123456789012", "arn:aws:iam::123456789012:root", "123456789012", "", "",
                  std::string(id), false, ""};
      k.credentials.principal = k.caller.arn;
      return k;
    };
    api::Router router(std::move(options));
    auto server = borealis::http::Server::listen("127.0.0.1", 0);
    if (!server) return 1;
    if (!server->start([&](const borealis::http::Request& r, const borealis::http::Peer& p) { return router.handle(r, p.ip); })
             .ok())
      return 1;
    settings.endpoint_url = "http://127.0.0.1:" + std::to_string(server->port());
    std::cout << server->port() << std::endl;
    std::string line;
    while (std::getline(std::cin, line)) {
    }
    server->stop();
  }
  (void)borealis::fs::remove_tree(dir);
  return rc;
}
