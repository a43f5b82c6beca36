// The control plane's API front door: one HTTP request in, one HTTP response out.
//   1. SigV4 (Authorization header): the credential scope names the service and region; the key is
//      resolved through RouterOptions::resolve_key; clock skew, session tokens and expiry as AWS.
//   2. The action (query "Action" parameter, or json "X-Amz-Target") and its input, decoded and
//      validated against the botocore model (query_input.h, json_protocol.h).
//   3. IAM authorisation of every non-root caller (RouterOptions::authorize).
//   4. The handler from the service's Operation table, then the reply serialised per protocol.
// Every failure is the AWS error that service would answer with, in its protocol's shape, with a
// request id (also in x-amzn-RequestId). One log line per request: service, action, caller ARN,
// status and error code — never a body, a signature, a token or a secret.
// Not thread-safe: a Router and the Store it uses belong to the one thread that calls handle().
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/operation.h"
#include "http/message.h"
#include "iam/evaluator.h"
#include "sigv4/signing_key_cache.h"

namespace borealis::api {

// AWS refuses a SigV4 request whose X-Amz-Date is more than 5 minutes from its clock.
inline constexpr std::chrono::seconds kMaxRequestSkew{5 * 60};

struct RouterOptions {
  const ApiSettings* settings = nullptr;  // required
  store::Store* store = nullptr;          // required for handlers; used only on the handle() thread
  std::vector<ServiceOperations> services;
  // Live access keys only (unknown, deleted and inactive keys: nullopt → InvalidClientTokenId).
  // `presented_session_token` is the request's X-Amz-Security-Token (nullopt when absent): a resolver
  // that keeps only a hash of session tokens needs it to hand the verifier something to compare.
  std::function<std::optional<ResolvedKey>(std::string_view access_key_id,
                                           std::optional<std::string_view> presented_session_token)>
      resolve_key;
  // Identity-policy evaluation for a non-root caller. Unset: every non-root call is denied.
  std::function<iam::Evaluation(const Caller&, const iam::RequestContext&)> authorize;
  std::function<void()> wake_reconciler;
  std::function<std::chrono::system_clock::time_point()> now;  // unset: the system clock
};

class Router {
 public:
  explicit Router(RouterOptions options);
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  http::Response handle(const http::Request& request, std::string_view peer_ip);

 private:
  struct Exchange;
  http::Response dispatch(Exchange& exchange, const http::Request& request, std::string_view peer_ip);
  const Operation* find_handler(std::string_view service, std::string_view action) const;
  bool serves(std::string_view service) const;
  void* service_state(std::string_view service) const;

  RouterOptions options_;
  sigv4::SigningKeyCache key_cache_;
};

// A random (version 4) UUID, as AWS formats request ids.
std::string new_request_id();

}  // namespace borealis::api
