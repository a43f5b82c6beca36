// Shared by the RDS handlers: AWS error codes with their HTTP statuses (from the botocore model),
// reading handler input without ever throwing, ARNs, and the output shapes (DBCluster, DBInstance,
// DBSubnetGroup, DBClusterParameterGroup) with the model's member names. Never puts a secret (a
// password, a verifier) into an output or an error message.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/operation.h"
#include "common/result.h"
#include "store/rds_tables.h"
#include "store/store.h"

namespace borealis::server::rds {

// An error code as the wire carries it and the status the model gives its shape.
struct Fault {
  std::string_view code;
  int http_status;
};
inline constexpr Fault kInvalidParameterValue{"InvalidParameterValue", 400};
inline constexpr Fault kInvalidParameterCombination{"InvalidParameterCombination", 400};
inline constexpr Fault kMissingParameter{"MissingParameter", 400};
inline constexpr Fault kDBClusterNotFound{"DBClusterNotFoundFault", 404};
inline constexpr Fault kDBClusterAlreadyExists{"DBClusterAlreadyExistsFault", 400};
inline constexpr Fault kInvalidDBClusterState{"InvalidDBClusterStateFault", 400};
inline constexpr Fault kDBInstanceNotFound{"DBInstanceNotFound", 404};
inline constexpr Fault kDBInstanceAlreadyExists{"DBInstanceAlreadyExists", 400};
inline constexpr Fault kInvalidDBInstanceState{"InvalidDBInstanceState", 400};
inline constexpr Fault kDomainNotFound{"DomainNotFoundFault", 404};
inline constexpr Fault kDBSubnetGroupNotFound{"DBSubnetGroupNotFoundFault", 404};
inline constexpr Fault kDBSubnetGroupAlreadyExists{"DBSubnetGroupAlreadyExists", 400};
inline constexpr Fault kInvalidDBSubnetGroupState{"InvalidDBSubnetGroupStateFault", 400};
inline constexpr Fault kDBSubnetGroupDoesNotCoverEnoughAZs{"DBSubnetGroupDoesNotCoverEnoughAZs", 400};
inline constexpr Fault kInvalidSubnet{"InvalidSubnet", 400};
inline constexpr Fault kDBSubnetQuotaExceeded{"DBSubnetQuotaExceededFault", 400};
// ModifyDBCluster/CreateDBCluster name the group by this code...
inline constexpr Fault kDBClusterParameterGroupNotFound{"DBClusterParameterGroupNotFound", 404};
// ...the parameter-group operations by this one.
inline constexpr Fault kDBParameterGroupNotFound{"DBParameterGroupNotFound", 404};
inline constexpr Fault kDBParameterGroupAlreadyExists{"DBParameterGroupAlreadyExists", 400};
inline constexpr Fault kInvalidDBParameterGroupState{"InvalidDBParameterGroupState", 400};
inline constexpr Fault kInternalFailure{"InternalFailure", 500};

api::Reply fail(Fault fault, std::string message);
// A store/request error as a reply: not_found → `not_found`, already_exists → `exists`,
// invalid_argument → InvalidParameterValue, anything else → InternalFailure.
api::Reply fail(const Error& error, Fault not_found = kInvalidParameterValue,
                Fault exists = kInvalidParameterValue);

// Reads members of the handler input. The codec has checked types against the model already; this
// checks again, because a malformed input must end in an error, never an exception. The first
// mismatch is kept and reported by error().
class Input {
 public:
  explicit Input(const nlohmann::json& input) : input_(input) {}
  std::optional<std::string> string(const char* name);
  std::optional<bool> boolean(const char* name);
  std::optional<long long> integer(const char* name);
  // A list of strings, at most `max_members` (the named AWS limit of that member).
  std::optional<std::vector<std::string>> strings(const char* name, std::size_t max_members);
  // A list of structures, at most `max_members`; nullptr when absent.
  const nlohmann::json* structures(const char* name, std::size_t max_members);
  // `Filters` as (name, values) pairs.
  std::vector<std::pair<std::string, std::vector<std::string>>> filters();
  const std::optional<api::Reply>& error() const { return error_; }
  // For calls that take no filters here (AWS: "not currently supported"): reads Filters and returns
  // the input error or the refusal of the first filter, nullopt when the input is fine.
  std::optional<api::Reply> refuse_filters();

 private:
  const nlohmann::json* member(const char* name);
  void mismatch(const char* name, const char* expected);
  const nlohmann::json& input_;
  std::optional<api::Reply> error_;
};

// Describe… of named things (subnet groups, parameter groups): the one named (its not-found error
// when missing) or all of them, each rendered, under the output member `member`.
template <class Get, class List, class Render>
api::Reply describe_named(const std::optional<std::string>& name, const char* member, Get get, List list, Render render,
                          Fault not_found, const std::string& not_found_message) {
  nlohmann::json out = nlohmann::json::array();
  if (name) {
    auto one = get(*name);
    if (!one.ok()) return one.error().code == Errc::not_found ? fail(not_found, not_found_message) : fail(one.error());
    out.push_back(render(*one));
  } else {
    auto all = list();
    if (!all.ok()) return fail(all.error());
    for (const auto& item : *all) out.push_back(render(item));
  }
  return api::Reply::ok({{member, out}});
}

// AWS's paging of Describe… calls: MaxRecords (20-100, default 100) and Marker.
struct Page {
  std::size_t max_records = 100;
  std::optional<std::string> marker;
};
// Reads the page from `input`, before the call does its work; the refusal when it is malformed.
std::optional<api::Reply> read_page(const nlohmann::json& input, Page& out);
// The items of the list `member` are put in the order of their `key` member; the page starts at the
// first item whose key is not below the Marker and holds at most MaxRecords; the reply's Marker is
// the key of the next page's first item (absent on the last page). Keys as markers keep a listing
// that changes between pages from skipping or repeating the items that stay. An error passes through.
api::Reply paged(api::Reply reply, const Page& page, const char* member, const char* key);

std::string lower(std::string text);
std::string region_of(const api::CallContext& context);
// Whether the cluster lives in the request's region: RDS is regional, so the API shows, changes and
// tags a cluster (and its instances) only there. A row without a region (none should remain after
// store v10) is shown everywhere, as before clusters had one.
bool in_request_region(const api::CallContext& context, const store::ClusterRecord& cluster);
// arn:aws:rds:REGION:ACCOUNT:TYPE:NAME (TYPE: cluster, db, subgrp, cluster-pg).
std::string arn(const api::CallContext& context, std::string_view type, const std::string& name);
// The zones of a region as borealis names them when EC2 does not say: REGION + a, b, c.
std::vector<std::string> availability_zones(const std::string& region);

// DomainMemberships [{Domain, Status, FQDN, IAMRoleName}] (AWS has no reason member: the reason of
// enable-kerberos-failed is in the store, the CLI's describe and the server log).
nlohmann::json domain_memberships(store::Store& store, const store::ClusterRecord& cluster,
                                  const std::string& iam_role_name);

Result<nlohmann::json> render_cluster(api::CallContext& context, const store::ClusterRecord& cluster);
Result<nlohmann::json> render_instance(api::CallContext& context, const store::ClusterRecord& cluster,
                                       const store::InstanceRecord& instance);
nlohmann::json render_subnet_group(const api::CallContext& context, const store::DbSubnetGroupRecord& group);
nlohmann::json render_parameter_group(const api::CallContext& context, const store::ClusterParameterGroupRecord& group);

}  // namespace borealis::server::rds
