#include "server/ds_handlers.h"

#include "common/log.h"
#include "common/secret.h"
#include "directory/directory.h"
#include "directory/mit_provider.h"
#include "network/directory_network.h"
#include "store/network_tables.h"
#include "server/directory_requests.h"
#include "store/store.h"

namespace borealis::server {
namespace {

using nlohmann::json;

// Directory Service's error codes (ds service-2.json); all are 400 in the model.
constexpr const char* kEntityDoesNotExist = "EntityDoesNotExistException";
constexpr const char* kInvalidParameter = "InvalidParameterException";
constexpr const char* kClient = "ClientException";
constexpr const char* kUserDoesNotExist = "UserDoesNotExistException";
constexpr const char* kInvalidPassword = "InvalidPasswordException";
constexpr const char* kDirectoryUnavailable = "DirectoryUnavailableException";
constexpr const char* kService = "ServiceException";

std::string text(const json& input, const char* member) {
  auto it = input.find(member);
  return it != input.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string directory_arn(const api::CallContext& c, const std::string& id) {
  return "arn:aws:ds:" + c.region + ":" + c.settings.account_id + ":directory/" + id;
}

std::string directory_resource(const api::CallContext& c, const json& input) {
  const std::string id = text(input, "DirectoryId");
  return id.empty() ? "*" : directory_arn(c, id);
}

json describe(store::Store& store, const store::DirectoryRecord& d) {
  json out{{"DirectoryId", d.id},
           {"Name", d.dns_name},
           {"ShortName", d.short_name},
           {"Edition", "Enterprise"},
           {"Type", "MicrosoftAD"},
           {"Stage", d.stage},
           {"LaunchTime", d.created_at},
           {"StageLastUpdatedDateTime", d.created_at},
           {"DnsIpAddrs", json::array({d.kdc_address})},
           {"DesiredNumberOfDomainControllers", 2},
           {"SsoEnabled", false}};
  if (!d.description.empty()) out["Description"] = d.description;
  if (!d.stage_reason.empty()) out["StageReason"] = d.stage_reason;
  if (auto net = network::get_directory_network(store, d.id); net.ok() && net->has_value()) {
    const auto& n = **net;
    json zones = json::array();
    for (const auto& id : n.subnet_ids)
      if (auto subnet = store::NetworkTables(store).get_subnet(id); subnet.ok()) zones.push_back(subnet->availability_zone);
    out["VpcSettings"] = {{"VpcId", n.vpc_id}, {"SubnetIds", n.subnet_ids}, {"SecurityGroupId", n.security_group_id},
                          {"AvailabilityZones", zones}};
  }
  return out;
}

api::Reply create_microsoft_ad(api::CallContext& c, const json& input) {
  const json vpc = input.value("VpcSettings", json::object());
  const std::string vpc_id = text(vpc, "VpcId");
  std::vector<std::string> subnets;
  if (auto s = vpc.find("SubnetIds"); s != vpc.end() && s->is_array())
    for (const auto& id : *s)
      if (id.is_string()) subnets.push_back(id.get<std::string>());
  if (const std::string edition = text(input, "Edition"); !edition.empty() && edition != "Standard" && edition != "Enterprise")
    return api::Reply::fail(kInvalidParameter, "Edition must be Standard or Enterprise for a Microsoft AD directory");

  CreateDirectoryRequest request;
  request.name = text(input, "Name");
  request.short_name = text(input, "ShortName");
  request.description = text(input, "Description");
  request.admin_password = Secret(text(input, "Password"));
  std::string directory_id;
  Status written = c.store.transaction([&]() -> Status {
    if (auto s = network::validate_directory_vpc_settings(c.store, c.region, vpc_id, subnets); !s) return s;
    auto created = request_create_directory(c.store, std::move(request));
    if (!created.ok()) return std::move(created).error();
    directory_id = created->id;
    auto group = network::create_directory_security_group(c.store, vpc_id, directory_id);
    if (!group.ok()) return std::move(group).error();
    return network::set_directory_network(c.store, store::DirectoryNetworkRecord{directory_id, vpc_id, subnets, *group});
  });
  if (!written) {
    const Error& e = written.error();
    if (e.code == Errc::already_exists) return api::Reply::fail(kClient, e.message);
    if (e.code == Errc::invalid_argument || e.code == Errc::not_found) return api::Reply::fail(kInvalidParameter, e.message);
    return api::Reply::fail(kService, e.message, 500);
  }
  if (c.wake_reconciler) c.wake_reconciler();
  return api::Reply::ok({{"DirectoryId", directory_id}});
}

api::Reply describe_directories(api::CallContext& c, const json& input) {
  json out = json::array();
  if (auto ids = input.find("DirectoryIds"); ids != input.end() && ids->is_array() && !ids->empty()) {
    for (const auto& id : *ids) {
      auto d = c.store.get_directory(id.is_string() ? id.get<std::string>() : std::string());
      if (!d.ok()) return api::Reply::fail(kEntityDoesNotExist, "Directory " + id.dump() + " does not exist.");
      out.push_back(describe(c.store, *d));
    }
  } else {
    auto all = c.store.list_directories();
    if (!all.ok()) return api::Reply::fail(kService, all.error().message, 500);
    for (const auto& d : *all) out.push_back(describe(c.store, d));
  }
  return api::Reply::ok({{"DirectoryDescriptions", out}});
}

api::Reply delete_directory(api::CallContext& c, const json& input) {
  const std::string id = text(input, "DirectoryId");
  Status s = request_delete_directory(c.store, id);
  if (!s) {
    if (s.error().code == Errc::not_found) return api::Reply::fail(kEntityDoesNotExist, "Directory " + id + " does not exist.");
    return api::Reply::fail(kClient, s.error().message);
  }
  // Its security group goes with it, as on AWS. A group another rule still references stays (and is
  // logged): the directory is gone either way.
  if (auto gone = network::delete_directory_network(c.store, id); !gone)
    log::warn("ds", "directory {} deleted; its network was kept: {}", id, gone.error().message);
  if (c.wake_reconciler) c.wake_reconciler();
  return api::Reply::ok({{"DirectoryId", id}});
}

api::Reply reset_user_password(api::CallContext& c, const json& input) {
  auto* state = static_cast<DsState*>(c.service_state);
  const std::string id = text(input, "DirectoryId");
  auto record = c.store.get_directory(id);
  if (!record.ok()) return api::Reply::fail(kEntityDoesNotExist, "Directory " + id + " does not exist.");
  if (record->stage != directory::to_string(directory::DirectoryStage::active))
    return api::Reply::fail(kDirectoryUnavailable, "Directory " + id + " is " + record->stage + ", not Active; try again when it is.");
  auto dir = to_directory(*record);
  if (!dir.ok() || state == nullptr || state->tools == nullptr)
    return api::Reply::fail(kService, "the directory tools are not available", 500);
  const std::string user = text(input, "UserName");
  Status s = state->tools->reset_user_password(*dir, user, Secret(text(input, "NewPassword")));
  if (!s) {
    switch (s.error().code) {
      case Errc::not_found: return api::Reply::fail(kUserDoesNotExist, "User " + user + " does not exist in directory " + id + ".");
      case Errc::invalid_argument:
        // The provider names what is wrong with the name or the password, never the password itself.
        return api::Reply::fail(s.error().message.find("password") != std::string::npos ? kInvalidPassword : kInvalidParameter,
                                s.error().message);
      default: return api::Reply::fail(kService, "could not reset the password of " + user, 500);
    }
  }
  return api::Reply::ok();
}

const api::Operation kOperations[] = {
    {"CreateMicrosoftAD", create_microsoft_ad, nullptr},
    {"DescribeDirectories", describe_directories, nullptr},
    {"DeleteDirectory", delete_directory, directory_resource},
    {"ResetUserPassword", reset_user_password, directory_resource},
};

}  // namespace

api::ServiceOperations ds_operations(DsState& state) { return {"ds", kOperations, &state}; }

}  // namespace borealis::server
