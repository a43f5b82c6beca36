// The network side of Directory Service (the lead's DS handlers call these): the security group AWS
// creates for a directory's controllers, where a directory sits (VPC, subnets, group), and the checks
// CreateMicrosoftAD makes on its VpcSettings. Errors are store-style (Errc + a sentence naming the
// ids) for the caller to map to ds InvalidParameterException / ClientException / EntityDoesNotExist.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/network_tables.h"
#include "store/store.h"

namespace borealis::network {

// The ports a directory's controllers serve, TCP and UDP each, as AWS opens them: DNS 53, Kerberos
// 88, LDAP 389, SMB 445, kpasswd 464, LDAPS 636.
inline constexpr int kDirectoryPorts[] = {53, 88, 389, 445, 464, 636};
// AWS requires a directory to span exactly two subnets in different availability zones.
inline constexpr std::size_t kDirectorySubnetCount = 2;

// Where a directory sits, as DescribeDirectories' VpcSettings shows it.
struct DirectoryNetwork {
  std::string directory_id;
  std::string vpc_id;
  std::vector<std::string> subnet_ids;
  std::string security_group_id;
  std::vector<std::string> availability_zones;  // of the subnets, in the same order
};

// Creates "<directory_id>_controllers" in `vpc_id`: ingress kDirectoryPorts over tcp and udp from
// 0.0.0.0/0, egress all. Returns the group id. not_found when the VPC does not exist; already_exists
// when the VPC already has a group of that name.
Result<std::string> create_directory_security_group(store::Store& store, const std::string& vpc_id,
                                                    const std::string& directory_id);

// What CreateMicrosoftAD does to the network once validate_directory_vpc_settings passed: creates
// the directory's security group and records where the directory sits, in one transaction.
// not_found when the VPC or a subnet does not exist; already_exists when the group does.
Result<DirectoryNetwork> attach_directory(store::Store& store, const std::string& directory_id,
                                          const std::string& vpc_id, const std::vector<std::string>& subnet_ids);
// Records (or replaces) where a directory sits.
Status set_directory_network(store::Store& store, const store::DirectoryNetworkRecord& network);
// nullopt for a directory without a row (e.g. created by `borealis directory` before the API). A
// subnet deleted since (it cannot be while the row exists) would show an empty zone.
Result<std::optional<DirectoryNetwork>> get_directory_network(store::Store& store, const std::string& directory_id);
// Removes the row and the directory's security group, with every rule of other groups that still
// references that group (those rules would point at nothing). A directory without a row: nothing to do.
Status delete_directory_network(store::Store& store, const std::string& directory_id);

// CreateMicrosoftAD's VpcSettings: the VPC exists in `region` (not_found), and `subnet_ids` are
// exactly two existing subnets (not_found) of that VPC in different availability zones
// (invalid_argument).
Status validate_directory_vpc_settings(store::Store& store, const std::string& region, const std::string& vpc_id,
                                       const std::vector<std::string>& subnet_ids);

}  // namespace borealis::network
