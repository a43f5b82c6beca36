// The control plane's TLS material: one CA per data dir (made once, kept), and a server certificate
// per endpoint naming its host and address, written where the gateway reads it (0600, service user).
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "server/data_dir.h"
#include "supervise/service_user.h"

namespace borealis::server {

// Creates the CA if missing.
Status ensure_ca(const DataDir& dir);
// Issues (or keeps, if present and naming the same hosts and address) the certificate of endpoint
// `name`, for every host name in `hosts` and the address.
Status ensure_endpoint_certificate(const DataDir& dir, const supervise::ServiceUser& user, const std::string& name,
                                   const std::vector<std::string>& hosts, const std::string& address);
Status remove_endpoint_certificate(const DataDir& dir, const std::string& name);

}  // namespace borealis::server
