// borealis's own certificate authority: a self-signed CA made once per data dir, and server
// certificates it signs for endpoint host names (SAN DNS + IP), so clients can use
// sslmode=verify-full with the CA file borealis prints. Keys are EC P-256.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "common/secret.h"

namespace borealis::crypto {

struct PemPair {
  std::string cert_pem;
  Secret key_pem;
};

Result<PemPair> make_self_signed_ca(const std::string& common_name, int valid_days);
// Issues a server certificate signed by `ca`, with every `dns_names` entry and `ip_addresses`
// entry as a SubjectAltName; the first DNS name is also the CN.
Result<PemPair> issue_server_certificate(const PemPair& ca, const std::vector<std::string>& dns_names,
                                         const std::vector<std::string>& ip_addresses, int valid_days);

}  // namespace borealis::crypto
