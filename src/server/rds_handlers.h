// Internal to the RDS handlers: each operation's handler and the resource (ARN) IAM authorises it
// on; rds_operations.cc puts them in the table the router dispatches from. Handlers validate, write
// desired state in one store transaction, wake the reconciler and answer; they never start or stop
// a process themselves.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/operation.h"
#include "common/result.h"
#include "store/store.h"

namespace borealis::server::rds {

// rds_clusters.cc
api::Reply create_db_cluster(api::CallContext& context, const nlohmann::json& input);
api::Reply describe_db_clusters(api::CallContext& context, const nlohmann::json& input);
api::Reply modify_db_cluster(api::CallContext& context, const nlohmann::json& input);
api::Reply delete_db_cluster(api::CallContext& context, const nlohmann::json& input);
std::string cluster_resource(const api::CallContext& context, const nlohmann::json& input);

// rds_instances.cc
api::Reply create_db_instance(api::CallContext& context, const nlohmann::json& input);
api::Reply describe_db_instances(api::CallContext& context, const nlohmann::json& input);
api::Reply modify_db_instance(api::CallContext& context, const nlohmann::json& input);
api::Reply delete_db_instance(api::CallContext& context, const nlohmann::json& input);
api::Reply reboot_db_instance(api::CallContext& context, const nlohmann::json& input);
std::string instance_resource(const api::CallContext& context, const nlohmann::json& input);

// rds_subnet_groups.cc
api::Reply create_db_subnet_group(api::CallContext& context, const nlohmann::json& input);
api::Reply describe_db_subnet_groups(api::CallContext& context, const nlohmann::json& input);
api::Reply delete_db_subnet_group(api::CallContext& context, const nlohmann::json& input);
std::string subnet_group_resource(const api::CallContext& context, const nlohmann::json& input);

// rds_parameter_groups.cc
api::Reply create_db_cluster_parameter_group(api::CallContext& context, const nlohmann::json& input);
api::Reply describe_db_cluster_parameter_groups(api::CallContext& context, const nlohmann::json& input);
api::Reply delete_db_cluster_parameter_group(api::CallContext& context, const nlohmann::json& input);
api::Reply modify_db_cluster_parameter_group(api::CallContext& context, const nlohmann::json& input);
api::Reply describe_db_cluster_parameters(api::CallContext& context, const nlohmann::json& input);
std::string parameter_group_resource(const api::CallContext& context, const nlohmann::json& input);
// The krb_caseins_users a cluster gets from this parameter group (the engine default when unset).
Result<bool> krb_caseins_users_of(store::Store& store, const std::string& parameter_group);

// rds_engines.cc
api::Reply describe_db_engine_versions(api::CallContext& context, const nlohmann::json& input);
api::Reply describe_orderable_db_instance_options(api::CallContext& context, const nlohmann::json& input);

// Wakes the reconciler when the call changed desired state.
inline void wake(api::CallContext& context) {
  if (context.wake_reconciler) context.wake_reconciler();
}

}  // namespace borealis::server::rds
