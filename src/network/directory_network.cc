// Directory Service's network rows and security groups (see directory_network.h).
#include "network/directory_network.h"

#include "common/log.h"
#include "network/model.h"

namespace borealis::network {
namespace {

Error as_error(const api::ApiError& e) {
  Errc code = Errc::invalid_argument;
  if (e.code.find("NotFound") != std::string::npos) code = Errc::not_found;
  if (e.code.find("Duplicate") != std::string::npos) code = Errc::already_exists;
  if (e.code == "InternalError") code = Errc::internal;
  return make_error(code, e.message);
}

}  // namespace

Result<std::string> create_directory_security_group(store::Store& store, const std::string& vpc_id,
                                                    const std::string& directory_id) {
  store::NetworkTables tables(store);
  auto vpc = tables.get_vpc(vpc_id);
  if (!vpc) return std::move(vpc).error();
  std::vector<RuleSpec> rules;
  for (const char* protocol : {"tcp", "udp"}) {
    for (int port : kDirectoryPorts) {
      RuleSpec spec;
      spec.protocol = protocol;
      spec.from_port = spec.to_port = port;
      spec.ports_given = true;
      spec.cidr = "0.0.0.0/0";
      rules.push_back(spec);
    }
  }
  std::string group_id;
  Checked done = in_transaction(store, [&]() -> Checked {
    auto group = create_security_group(store, vpc_id, directory_id + "_controllers",
                                       "AWS created security group for " + directory_id + " directory controllers");
    if (!group) return std::move(group).error();
    auto added = add_rules(store, *group, false, rules);
    if (!added) return std::move(added).error();
    group_id = group->id;
    return Done{};
  });
  if (!done) return as_error(done.error());
  return group_id;
}

Result<DirectoryNetwork> attach_directory(store::Store& store, const std::string& directory_id,
                                          const std::string& vpc_id, const std::vector<std::string>& subnet_ids) {
  store::DirectoryNetworkRecord row{directory_id, vpc_id, subnet_ids, ""};
  Status s = store.transaction([&]() -> Status {
    for (const auto& id : subnet_ids) {
      auto subnet = store::NetworkTables(store).get_subnet(id);
      if (!subnet) return std::move(subnet).error();
      if (subnet->vpc_id != vpc_id)
        return make_error(Errc::invalid_argument, "Subnet " + id + " is not in the directory's VPC " + vpc_id + ".");
    }
    auto group = create_directory_security_group(store, vpc_id, directory_id);
    if (!group) return std::move(group).error();
    row.security_group_id = *group;
    return set_directory_network(store, row);
  });
  if (!s) return std::move(s).error();
  auto network = get_directory_network(store, directory_id);
  if (!network) return std::move(network).error();
  if (!network->has_value()) return make_error(Errc::internal, "the network of " + directory_id + " was not recorded");
  return std::move(**network);
}

Status set_directory_network(store::Store& store, const store::DirectoryNetworkRecord& network) {
  return store::NetworkTables(store).set_directory_network(network);
}

Result<std::optional<DirectoryNetwork>> get_directory_network(store::Store& store, const std::string& directory_id) {
  store::NetworkTables tables(store);
  auto row = tables.get_directory_network(directory_id);
  if (!row) return std::move(row).error();
  if (!row->has_value()) return std::optional<DirectoryNetwork>();
  const auto& r = **row;
  DirectoryNetwork network{r.directory_id, r.vpc_id, r.subnet_ids, r.security_group_id, {}};
  for (const auto& id : r.subnet_ids) {
    auto subnet = tables.get_subnet(id);
    network.availability_zones.push_back(subnet ? subnet->availability_zone : std::string());
  }
  return std::optional<DirectoryNetwork>(std::move(network));
}

Status delete_directory_network(store::Store& store, const std::string& directory_id) {
  store::NetworkTables tables(store);
  return store.transaction([&]() -> Status {
    auto network = tables.get_directory_network(directory_id);
    if (!network) return std::move(network).error();
    if (!network->has_value()) return ok_status();
    const std::string group_id = (*network)->security_group_id;
    if (auto s = tables.delete_directory_network(directory_id); !s) return s;
    auto referencing = tables.list_rules_referencing(group_id);
    if (!referencing) return std::move(referencing).error();
    for (const auto& rule : *referencing) {
      if (auto s = tables.delete_rule(rule.id); !s) return s;
      log::info("network", "removed rule {} of {}: it referenced {} of deleted directory {}", rule.id, rule.group_id,
                group_id, directory_id);
    }
    auto group = tables.get_security_group(group_id);
    if (!group) return group.error().code == Errc::not_found ? ok_status() : Status(std::move(group).error());
    if (group->is_default) return ok_status();  // never ours to delete
    return tables.delete_security_group(group_id);
  });
}

Status validate_directory_vpc_settings(store::Store& store, const std::string& region, const std::string& vpc_id,
                                       const std::vector<std::string>& subnet_ids) {
  auto vpc = find_vpc(store, region, vpc_id);
  if (!vpc) return as_error(vpc.error());
  if (subnet_ids.size() != kDirectorySubnetCount)
    return make_error(Errc::invalid_argument, "A directory needs exactly " + std::to_string(kDirectorySubnetCount) +
                                                  " subnets in different availability zones; " +
                                                  std::to_string(subnet_ids.size()) + " given.");
  std::vector<store::SubnetRecord> subnets;
  for (const auto& id : subnet_ids) {
    auto subnet = find_subnet(store, region, id);
    if (!subnet) return as_error(subnet.error());
    if (subnet->vpc_id != vpc_id)
      return make_error(Errc::invalid_argument,
                        "Subnet " + id + " is in " + subnet->vpc_id + ", not in the directory's VPC " + vpc_id + ".");
    subnets.push_back(std::move(subnet).value());
  }
  if (subnets[0].availability_zone == subnets[1].availability_zone)
    return make_error(Errc::invalid_argument, "Subnets " + subnets[0].id + " and " + subnets[1].id +
                                                  " are both in " + subnets[0].availability_zone +
                                                  "; a directory needs two different availability zones.");
  return ok_status();
}

}  // namespace borealis::network
