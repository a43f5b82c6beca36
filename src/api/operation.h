// One AWS API operation as a handler sees it, independent of the wire protocol:
// - input: JSON built by the protocol codec (query form, ec2 form or json-1.1 body) and already
//   checked against the botocore input shape (required members present, types converted: integers
//   and booleans are JSON numbers/booleans, lists are arrays, structures are objects, timestamps are
//   ISO 8601 strings; member names exactly as in the model, e.g. "DBClusterIdentifier");
// - the caller: already authenticated (SigV4) and authorised (IAM policy) by the router;
// - output: JSON in the model's output-shape member names ({"DBCluster": {...}}), which the codec
//   serialises (XML for query/ec2, JSON for json-1.1) — or an AWS error.
// Handlers never see HTTP, XML or form bodies, and never put a secret into an error message.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sigv4/credentials.h"

namespace borealis::store {
class Store;
}

namespace borealis::api {

enum class PrincipalKind { root, user, assumed_role };

// Who signed the request.
struct Caller {
  PrincipalKind kind = PrincipalKind::root;
  std::string account_id;  // 12 digits
  // arn:aws:iam::ACCT:root | arn:aws:iam::ACCT:user/NAME | arn:aws:sts::ACCT:assumed-role/ROLE/SESSION
  std::string arn;
  // GetCallerIdentity's UserId: ACCT for root, the user id (AIDA…) for users, ROLEID:SESSION for sessions.
  std::string user_id;
  std::string name;          // user name or role name; "" for root
  std::string session_name;  // assumed_role only
  std::string access_key_id;
  bool temporary = false;          // STS credentials (with a session token)
  std::string token_issue_time;    // ISO 8601, temporary credentials only (aws:TokenIssueTime)
};

// An access key as the router needs it to check a signature and know the caller: the identity
// component resolves it from the store (live keys only; expired STS credentials are not found).
struct ResolvedKey {
  sigv4::Credentials credentials;
  Caller caller;
};

// An AWS error as the protocol codec serialises it. http_status 0 takes the status from the model's
// error shape of that code (DBClusterNotFoundFault → 404), or 400 when the model has none.
struct ApiError {
  std::string code;     // "DBClusterNotFoundFault", "InvalidParameterValue", "AccessDenied", ...
  std::string message;  // what a person can act on; never a secret
  int http_status = 0;
  bool sender_fault = true;  // query protocol <Type>Sender</Type> vs Receiver
};

struct Reply {
  nlohmann::json output = nlohmann::json::object();
  std::optional<ApiError> error;

  static Reply ok(nlohmann::json output = nlohmann::json::object()) { return Reply{std::move(output), std::nullopt}; }
  static Reply fail(std::string code, std::string message, int http_status = 0) {
    return Reply{nlohmann::json::object(), ApiError{std::move(code), std::move(message), http_status, http_status < 500}};
  }
  static Reply fail(ApiError error) { return Reply{nlohmann::json::object(), std::move(error)}; }
};

// Account-wide facts, fixed while the server runs.
struct ApiSettings {
  std::string account_id;                        // 12 digits, stored in the settings table
  std::string default_region = "us-east-1";
  std::vector<std::string> regions{"us-east-1"};  // requests for other regions are refused
  std::vector<std::string> sts_inactive_regions;  // STS deactivated there (blocks domain joins)
  std::string data_dir;
  std::string endpoint_url;                       // http://127.0.0.1:PORT, for messages
};

struct CallContext {
  store::Store& store;
  const ApiSettings& settings;
  const Caller& caller;
  std::string service;     // signing name: "rds", "iam", "sts", "ec2", "ds"
  std::string action;      // "CreateDBCluster"
  std::string region;      // from the credential scope
  std::string request_id;  // also in the response
  std::string source_ip;
  std::chrono::system_clock::time_point now;
  // Tells the control plane that desired state changed (the reconciler runs a pass at once).
  std::function<void()> wake_reconciler;
  // The service's own state (ServiceOperations::state), for what a handler needs beyond the store,
  // e.g. Directory Service's directory tools. Each service's handlers know its type.
  void* service_state = nullptr;
};

using Handler = Reply (*)(CallContext& context, const nlohmann::json& input);
// The ARN of the resource a call acts on, for IAM authorisation ("*" when the action has none, or
// when the resource does not exist yet and AWS authorises on the new one's ARN — then return that).
using ResourceOf = std::string (*)(const CallContext& context, const nlohmann::json& input);

struct Operation {
  std::string_view action;  // "CreateDBCluster"; the IAM action is "<service>:<action>"
  Handler handler = nullptr;
  ResourceOf resource = nullptr;  // nullptr: "*"
  // AWS asks no IAM permission for it (sts:GetCallerIdentity): any authenticated caller may call it.
  bool needs_no_permission = false;
};

// Each service's handler table (defined by the component that owns the service's state).
struct ServiceOperations {
  std::string_view service;  // signing name
  std::span<const Operation> operations;
  void* state = nullptr;  // handed to the handlers as CallContext::service_state; outlives the router
};

}  // namespace borealis::api
