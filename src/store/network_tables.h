// EC2 networking: VPCs, subnets, security groups and rules, VPC peerings, and the network a Directory
// Service directory sits in, kept in the control plane's store (same connection and transactions as
// store.h). Plain CRUD with the schema's constraints as the last guard (ids unique, a group name
// unique per VPC, one default VPC per region, rules unique); the networking rules themselves (CIDR
// containment and overlap, what may be deleted when) live in src/network/. Never logs anything.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/resource_tag.h"
#include "store/store.h"

namespace borealis::store {

struct VpcRecord {
  std::string id;      // "vpc-" + 17 hex
  std::string region;  // "us-east-1"
  std::string cidr;    // canonical IPv4 CIDR, "172.31.0.0/16"
  bool is_default = false;
  std::string state = "available";
  std::string created_at;  // RFC 3339 UTC; set by the store if empty
};

struct SubnetRecord {
  std::string id;  // "subnet-" + 17 hex
  std::string vpc_id;
  std::string cidr;
  std::string availability_zone;  // "us-east-1a"
  bool default_for_az = false;
  std::string state = "available";
};

struct SecurityGroupRecord {
  std::string id;  // "sg-" + 17 hex
  std::string vpc_id;
  std::string name;  // unique per VPC
  std::string description;
  bool is_default = false;  // the VPC's group named "default"
};

// One rule: one protocol/port range and exactly one peer (a CIDR or a referenced group).
struct SecurityGroupRuleRecord {
  std::string id;  // "sgr-" + 17 hex
  std::string group_id;
  bool egress = false;
  std::string protocol;  // "-1" (all), "tcp", "udp", "icmp" or a protocol number "0".."255"
  int from_port = -1;    // -1 when the protocol has no ports (or all ICMP types)
  int to_port = -1;
  std::string cidr;                 // "" when the peer is a group
  std::string referenced_group_id;  // "" when the peer is a CIDR
  std::string description;
};

struct VpcPeeringRecord {
  std::string id;  // "pcx-" + 17 hex
  std::string requester_vpc_id;
  std::string requester_region;
  std::string accepter_vpc_id;
  std::string accepter_region;
  std::string status;  // pending-acceptance | active | rejected | deleted | failed
  std::string message;
  std::string created_at;  // RFC 3339 UTC; set by the store if empty
  std::string expires_at;  // when a pending request lapses; "" = never
};

// Where a Directory Service directory's controllers sit.
struct DirectoryNetworkRecord {
  std::string directory_id;  // PK
  std::string vpc_id;
  std::vector<std::string> subnet_ids;
  std::string security_group_id;  // "<directory id>_controllers"
};

class NetworkTables {
 public:
  explicit NetworkTables(Store& store) : store_(store) {}

  // VPCs. create_vpc: already_exists when the id is taken or the region already has a default VPC.
  // delete_vpc removes the row only (the caller deletes subnets and groups first): not_found when absent.
  Status create_vpc(VpcRecord vpc);
  Result<VpcRecord> get_vpc(const std::string& id);
  Result<std::optional<VpcRecord>> default_vpc(const std::string& region);
  Result<std::vector<VpcRecord>> list_vpcs(const std::string& region);
  Status delete_vpc(const std::string& id);

  // Subnets. list_subnets: every subnet of the region's VPCs.
  Status create_subnet(const SubnetRecord& subnet);
  Result<SubnetRecord> get_subnet(const std::string& id);
  Result<std::vector<SubnetRecord>> list_subnets(const std::string& region);
  Result<std::vector<SubnetRecord>> list_subnets_in_vpc(const std::string& vpc_id);
  Status delete_subnet(const std::string& id);

  // Security groups. create: already_exists when the VPC already has a group of that name.
  // delete_security_group also deletes the group's own rules; it fails (invalid_argument, a foreign
  // key) while another group's rule or a directory network still references it.
  Status create_security_group(const SecurityGroupRecord& group);
  Result<SecurityGroupRecord> get_security_group(const std::string& id);
  Result<SecurityGroupRecord> find_security_group(const std::string& vpc_id, const std::string& name);
  Result<std::vector<SecurityGroupRecord>> list_security_groups(const std::string& region);
  Result<std::vector<SecurityGroupRecord>> list_security_groups_in_vpc(const std::string& vpc_id);
  Status delete_security_group(const std::string& id);

  // Rules. create_rule: already_exists when the group already has the same rule (same direction,
  // protocol, ports and peer).
  Status create_rule(const SecurityGroupRuleRecord& rule);
  Result<std::vector<SecurityGroupRuleRecord>> list_rules(const std::string& group_id);
  // Rules of OTHER groups whose peer is `group_id`.
  Result<std::vector<SecurityGroupRuleRecord>> list_rules_referencing(const std::string& group_id);
  Status delete_rule(const std::string& id);

  // Peerings (kept after deletion, with status "deleted", as AWS shows them for a while).
  // list_peerings: those with either side in `region`.
  Status create_peering(VpcPeeringRecord peering);
  Result<VpcPeeringRecord> get_peering(const std::string& id);
  Result<std::vector<VpcPeeringRecord>> list_peerings(const std::string& region);
  // Peerings with `vpc_id` on either side, whatever their status.
  Result<std::vector<VpcPeeringRecord>> list_peerings_of_vpc(const std::string& vpc_id);
  Status update_peering_status(const std::string& id, const std::string& status, const std::string& message);

  // Directory networks. set_ replaces the row of that directory.
  Status set_directory_network(const DirectoryNetworkRecord& network);
  Result<std::optional<DirectoryNetworkRecord>> get_directory_network(const std::string& directory_id);
  Result<std::vector<DirectoryNetworkRecord>> list_directory_networks();
  Status delete_directory_network(const std::string& directory_id);


  // Tags (v9) by resource id, each list sorted by key. tags({}) gives every resource's (for describe
  // calls); ids without tags are absent from the map. put_tags adds or overwrites keys; delete_tag
  // removes a key (only when its value is `value`, if given). Nothing here checks that the resource
  // exists; a resource's tags go with its row (triggers).
  Result<std::map<std::string, std::vector<ResourceTag>>> tags(const std::vector<std::string>& ids);
  Status put_tags(const std::string& id, const std::vector<ResourceTag>& tags);
  Status delete_tag(const std::string& id, const std::string& key, const std::optional<std::string>& value);
  Status clear_tags(const std::string& id);

 private:
  Store& store_;
};

}  // namespace borealis::store
