// The control plane's answer to "may this IAM token log in as this database user on this cluster?",
// asked by the gateway for every login of an rds_iam role (auth/iam_exchange.h). The gateway holds no
// key and caches nothing, so a deleted access key, a detached policy or an added Deny applies to the
// very next login.
//
// In order: the cluster exists and has IAM database authentication enabled; the token is a SigV4
// presigned `connect` URL for this cluster's endpoint host and port, this database user (exact bytes),
// the cluster's region, signed at most 15 minutes in the future and not expired, by a live access key
// (temporary credentials with their session token), with a signature that matches (sigv4/verifier.h);
// then the key's principal must be allowed `rds-db:connect` on
// arn:aws:rds-db:REGION:ACCOUNT:dbuser:CLUSTER-RESOURCE-ID/DBUSER by its policies (identity::authorize).
// No message carries the token, the signature, a session token or a secret key.
#pragma once

#include <chrono>
#include <string>

#include "api/operation.h"
#include "auth/iam_exchange.h"

namespace borealis::sigv4 {
class SigningKeyCache;
}
namespace borealis::store {
class Store;
}

namespace borealis::server {

struct DbLoginSettings {
  api::ApiSettings api;  // account id and data dir (STS session tokens are derived from its key)
  std::string region;    // the data dir's region: clusters made before v10 without one of their own
};

// The resource an IAM policy grants for a login: arn:aws:rds-db:REGION:ACCOUNT:dbuser:RESOURCEID/USER,
// REGION the cluster's.
std::string db_user_arn(const DbLoginSettings& settings, const std::string& region, const std::string& cluster_resource_id,
                        const std::string& db_user);

auth::IamLoginAnswer check_db_login(store::Store& store, const DbLoginSettings& settings, sigv4::SigningKeyCache& cache,
                                    const auth::IamLoginQuestion& question, std::chrono::system_clock::time_point now);

}  // namespace borealis::server
