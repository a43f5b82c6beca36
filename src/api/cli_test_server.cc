// Test-only server for testdata/aws_cli_test.py: the real Router with fake handlers behind the real
// loopback HTTP server, so the real /usr/bin/aws can be pointed at it. Prints its port on stdout,
// serves until stdin closes. Keys (fixed, test-only): AKIDROOTEXAMPLE000001 / rootsecret (root),
// AKIDUSEREXAMPLE000001 / usersecret (user "carol", allowed everything but rds:DeleteDBCluster).
// Handlers echo their input back in their output shape so the script sees what the router decoded.
// Never linked into borealis.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "api/router.h"
#include "common/fs.h"
#include "http/server.h"
#include "store/store.h"

namespace api = borealis::api;
using nlohmann::json;

namespace {

api::Reply create_cluster(api::CallContext& c, const json& in) {
  json cluster = {{"DBClusterIdentifier", in.value("DBClusterIdentifier", "")},
                  {"Engine", in.value("Engine", "")},
                  {"Port", in.value("Port", 5432)},
                  {"Status", "creating"},
                  {"ClusterCreateTime", "2026-11-28T17:30:00Z"},
                  {"IAMDatabaseAuthenticationEnabled", in.value("EnableIAMDatabaseAuthentication", false)},
                  {"DBClusterArn", "arn:aws:rds:" + c.region + ":" + c.settings.account_id + ":cluster:" +
                                       in.value("DBClusterIdentifier", "")}};
  json groups = json::array();
  for (const auto& g : in.value("VpcSecurityGroupIds", json::array())) groups.push_back({{"VpcSecurityGroupId", g}, {"Status", "active"}});
  cluster["VpcSecurityGroups"] = groups;
  return api::Reply::ok({{"DBCluster", cluster}});
}
api::Reply describe_clusters(api::CallContext&, const json& in) {
  if (in.value("DBClusterIdentifier", "") == "missing")
    return api::Reply::fail("DBClusterNotFoundFault", "DBCluster missing not found.");
  return api::Reply::ok({{"DBClusters", json::array({{{"DBClusterIdentifier", in.value("DBClusterIdentifier", "c1")}}})}});
}
api::Reply delete_cluster(api::CallContext&, const json& in) {
  return api::Reply::ok({{"DBCluster", {{"DBClusterIdentifier", in.value("DBClusterIdentifier", "")}, {"Status", "deleting"}}}});
}
api::Reply caller_identity(api::CallContext& c, const json&) {
  return api::Reply::ok({{"Arn", c.caller.arn}, {"Account", c.caller.account_id}, {"UserId", c.caller.user_id}});
}
api::Reply get_user(api::CallContext&, const json& in) {
  return api::Reply::fail("NoSuchEntity", "The user with name " + in.value("UserName", "") + " cannot be found.");
}
api::Reply delete_user(api::CallContext&, const json&) { return api::Reply::ok(); }
api::Reply create_vpc(api::CallContext&, const json& in) {
  json tags = json::array();
  for (const auto& spec : in.value("TagSpecifications", json::array()))
    for (const auto& t : spec.value("Tags", json::array())) tags.push_back(t);
  return api::Reply::ok({{"Vpc", {{"VpcId", "vpc-0123456789abcdef0"}, {"CidrBlock", in.value("CidrBlock", "")},
                                  {"State", "available"}, {"IsDefault", false}, {"Tags", tags}}}});
}
api::Reply authorize_ingress(api::CallContext&, const json& in) {
  return api::Reply::ok({{"Return", !in.value("IpPermissions", json::array()).empty()}});
}
api::Reply delete_vpc(api::CallContext&, const json&) { return api::Reply::ok(); }
api::Reply create_directory(api::CallContext&, const json& in) {
  return api::Reply::ok({{"DirectoryId", "d-" + std::to_string(in.value("Name", "").size()) + "234567890"}});
}
api::Reply describe_directories(api::CallContext&, const json& in) {
  json ids = in.value("DirectoryIds", json::array({"d-1234567890"}));
  return api::Reply::ok({{"DirectoryDescriptions", json::array({{{"DirectoryId", ids[0]},
                                                                 {"Name", "corp.example.com"},
                                                                 {"Stage", "Active"},
                                                                 {"LaunchTime", "2026-11-28T17:30:00Z"}}})}});
}

const api::Operation kRds[] = {{"CreateDBCluster", create_cluster, nullptr},
                               {"DescribeDBClusters", describe_clusters, nullptr},
                               {"DeleteDBCluster", delete_cluster, nullptr}};
const api::Operation kSts[] = {{"GetCallerIdentity", caller_identity, nullptr}};
const api::Operation kIam[] = {{"GetUser", get_user, nullptr}, {"DeleteUser", delete_user, nullptr}};
const api::Operation kEc2[] = {{"CreateVpc", create_vpc, nullptr},
                               {"AuthorizeSecurityGroupIngress", authorize_ingress, nullptr},
                               {"DeleteVpc", delete_vpc, nullptr}};
const api::Operation kDs[] = {{"CreateMicrosoftAD", create_directory, nullptr},
                              {"DescribeDirectories", describe_directories, nullptr}};

}  // namespace

int main() {
  char tmpl[] = "/tmp/borealis-api-cli-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return 1;
  std::string dir = tmpl;
  int rc = 0;
  {
    auto store = borealis::store::Store::open(dir + "/borealis.db");
    if (!store) return 1;
    api::ApiSettings settings;
    settings.account_id = "123456789012";
    settings.regions = {"us-east-1"};
    api::RouterOptions options;
    options.settings = &settings;
    options.store = &*store;
    options.services = {{"rds", kRds}, {"sts", kSts}, {"iam", kIam}, {"ec2", kEc2}, {"ds", kDs}};
    options.resolve_key = [](std::string_view id, std::optional<std::string_view>) -> std::optional<api::ResolvedKey> {
      api::ResolvedKey k;
      if (id == "AKIDROOTEXAMPLE000001") {
        k.credentials.secret_access_key = borealis::Secret("rootsecret");
        k.caller = {api::PrincipalKind::root, "123456789012", "arn:aws:iam::123456789012:root", "123456789012", "", "",
                    std::string(id), false, ""};
      } else if (id == "AKIDUSEREXAMPLE000001") {
        k.credentials.secret_access_key = borealis::Secret("usersecret");
        k.caller = {api::PrincipalKind::user, "123456789012", "arn:aws:iam::123456789012:user/carol", "AIDACAROL",
                    "carol", "", std::string(id), false, ""};
      } else {
        return std::nullopt;
      }
      k.credentials.principal = k.caller.arn;
      return k;
    };
    options.authorize = [](const api::Caller&, const borealis::iam::RequestContext& r) {
      borealis::iam::Evaluation e;
      e.decision = r.action == "rds:DeleteDBCluster" ? borealis::iam::Decision::implicit_deny : borealis::iam::Decision::allow;
      return e;
    };
    api::Router router(std::move(options));
    auto server = borealis::http::Server::listen("127.0.0.1", 0);
    if (!server) return 1;
    if (!server->start([&](const borealis::http::Request& r, const borealis::http::Peer& p) { return router.handle(r, p.ip); }).ok())
      return 1;
    std::cout << server->port() << std::endl;
    std::string line;
    while (std::getline(std::cin, line)) {
    }
    server->stop();
  }
  (void)borealis::fs::remove_tree(dir);
  return rc;
}
