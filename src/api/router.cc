// Authenticate, decode, authorise, dispatch, serialise; see router.h.
#include "api/router.h"

#include <cstdio>
#include <exception>

#include "api/form.h"
#include "api/input_check.h"
#include "api/json_protocol.h"
#include "api/model.h"
#include "api/query_input.h"
#include "api/response.h"
#include "common/log.h"
#include "common/random.h"
#include "sigv4/authorization.h"
#include "sigv4/verifier.h"

namespace borealis::api {

namespace {

constexpr std::string_view kLogComponent = "api";
// Regions the global services sign for whatever region the client is configured with (botocore
// scopes iam, and sts's global endpoint, to us-east-1).
constexpr std::string_view kGlobalSigningRegion = "us-east-1";

bool contains(const std::vector<std::string>& list, std::string_view value) {
  for (const auto& v : list)
    if (v == value) return true;
  return false;
}

std::string join(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& v : list) out += (out.empty() ? "" : ", ") + v;
  return out;
}

// The json protocol spells some authentication codes differently and answers them with 400.
ApiError auth_failure(const ServiceModel* service, sigv4::AwsErrorCode code, std::string message) {
  bool json = service != nullptr && service->protocol() == Protocol::json;
  if (json) {
    std::string name = sigv4::to_string(sigv4::json_protocol_code(code));
    if (code == sigv4::AwsErrorCode::MissingAuthenticationToken || code == sigv4::AwsErrorCode::ExpiredToken) {
      name += "Exception";
    }
    return ApiError{name, std::move(message), 400, true};
  }
  int status = code == sigv4::AwsErrorCode::IncompleteSignature || code == sigv4::AwsErrorCode::RequestExpired ? 400 : 403;
  return ApiError{sigv4::to_string(code), std::move(message), status, true};
}

std::string principal_type(PrincipalKind kind) {
  switch (kind) {
    case PrincipalKind::root: return "Account";
    case PrincipalKind::user: return "User";
    case PrincipalKind::assumed_role: return "AssumedRole";
  }
  return "Account";
}

std::string service_list(const std::vector<ServiceOperations>& services) {
  std::string out;
  for (const auto& s : services) out += (out.empty() ? "" : ", ") + std::string(s.service);
  return out;
}

}  // namespace

std::string new_request_id() {
  std::uint8_t b[16];
  random::fill(b);
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

// What one request has established so far: enough to answer in the right protocol and to log.
struct Router::Exchange {
  std::string request_id = new_request_id();
  const ServiceModel* service = nullptr;  // known once the credential scope (or X-Amz-Target) names it
  std::string service_name;
  std::string region;
  std::string action;
  std::optional<Caller> caller;
  const nlohmann::json* operation = nullptr;
  nlohmann::json output;
  std::optional<ApiError> error;
};

Router::Router(RouterOptions options) : options_(std::move(options)) {
  if (!options_.now) options_.now = [] { return std::chrono::system_clock::now(); };
}

bool Router::serves(std::string_view service) const {
  for (const auto& s : options_.services)
    if (s.service == service) return Model::get().service(service) != nullptr;
  return false;
}

const Operation* Router::find_handler(std::string_view service, std::string_view action) const {
  for (const auto& s : options_.services) {
    if (s.service != service) continue;
    for (const auto& op : s.operations)
      if (op.action == action && op.handler != nullptr) return &op;
  }
  return nullptr;
}

void* Router::service_state(std::string_view service) const {
  for (const auto& s : options_.services)
    if (s.service == service) return s.state;
  return nullptr;
}

http::Response Router::handle(const http::Request& request, std::string_view peer_ip) {
  Exchange exchange;
  // A json request names its service before it is authenticated; use that to answer in its shape.
  if (request.header("X-Amz-Target") != nullptr) {
    for (const auto& s : Model::get().services())
      if (s.protocol() == Protocol::json) exchange.service = &s;
  }
  http::Response response = dispatch(exchange, request, peer_ip);
  response.headers.push_back({"x-amzn-RequestId", exchange.request_id});
  int status = response.status;
  log::info(kLogComponent, "request service={} action={} caller={} status={} error={} request_id={} peer={}",
            exchange.service_name.empty() ? "-" : exchange.service_name,
            exchange.action.empty() ? "-" : exchange.action, exchange.caller ? exchange.caller->arn : "-", status,
            exchange.error ? exchange.error->code : "-", exchange.request_id, peer_ip);
  return response;
}

http::Response Router::dispatch(Exchange& ex, const http::Request& request, std::string_view peer_ip) {
  auto answer_error = [&](ApiError error) {
    http::Response r = error_response(ex.service, error, ex.request_id);
    ex.error = std::move(error);
    return r;
  };

  if (options_.settings == nullptr || options_.store == nullptr) {
    return answer_error(ApiError{"InternalFailure", "The API is not configured (no settings or store)", 500, false});
  }

  // 1. Authentication.
  const std::string* authorization = request.header("Authorization");
  if (authorization == nullptr) {
    return answer_error(auth_failure(ex.service, sigv4::AwsErrorCode::MissingAuthenticationToken,
                                     "Request is missing Authentication Token"));
  }
  auto parsed = sigv4::parse_authorization(*authorization);
  if (!parsed) return answer_error(auth_failure(ex.service, parsed.error().code, parsed.error().message));
  const sigv4::CredentialScope& scope = parsed->credential;
  if (!serves(scope.service)) {
    return answer_error(auth_failure(ex.service, sigv4::AwsErrorCode::SignatureDoesNotMatch,
                                     "Credential should be scoped to a service this endpoint serves (" +
                                         service_list(options_.services) + "), not '" + scope.service + "'"));
  }
  ex.service = Model::get().service(scope.service);
  ex.service_name = scope.service;
  ex.region = scope.region;
  const ApiSettings& settings = *options_.settings;
  bool global = scope.service == "iam" || scope.service == "sts";
  if (!contains(settings.regions, scope.region) && !(global && scope.region == kGlobalSigningRegion)) {
    return answer_error(auth_failure(ex.service, sigv4::AwsErrorCode::SignatureDoesNotMatch,
                                     "Credential should be scoped to a valid region: this endpoint serves " +
                                         join(settings.regions) + ", not '" + scope.region + "'"));
  }
  bool ec2 = ex.service->protocol() == Protocol::ec2;
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(options_.now());
  if (const std::string* date = request.header("X-Amz-Date")) {
    // The verifier allows S3's 15 minutes; the services we serve allow 5.
    if (auto signed_at = sigv4::parse_amz_date(*date)) {
      auto code = ec2 ? sigv4::AwsErrorCode::RequestExpired : sigv4::AwsErrorCode::SignatureDoesNotMatch;
      if (*signed_at + kMaxRequestSkew < now) {
        return answer_error(auth_failure(ex.service, code,
                                         "Signature expired: " + *date + " is now earlier than " +
                                             sigv4::format_amz_date(now - kMaxRequestSkew) + " (" +
                                             sigv4::format_amz_date(now) + " - 5 min.)"));
      }
      if (*signed_at > now + kMaxRequestSkew) {
        return answer_error(auth_failure(ex.service, code,
                                         "Signature not yet current: " + *date + " is still later than " +
                                             sigv4::format_amz_date(now + kMaxRequestSkew) + " (" +
                                             sigv4::format_amz_date(now) + " + 5 min.)"));
      }
    }
  }
  std::vector<sigv4::Header> headers;
  headers.reserve(request.headers.size());
  for (const auto& h : request.headers) headers.push_back({h.name, h.value});
  sigv4::HttpRequestView view{request.method, request.path, request.query, headers, request.body};
  sigv4::HeaderAuthRules rules{scope.region, scope.service, false,
                               ec2 ? sigv4::AwsErrorCode::RequestExpired : sigv4::AwsErrorCode::SignatureDoesNotMatch};
  std::optional<ResolvedKey> resolved;
  sigv4::CredentialLookup lookup = [&](std::string_view access_key_id) -> std::optional<sigv4::Credentials> {
    if (!options_.resolve_key) return std::nullopt;
    const std::string* token = request.header("X-Amz-Security-Token");
    resolved = options_.resolve_key(access_key_id, token ? std::optional<std::string_view>(*token) : std::nullopt);
    if (!resolved) return std::nullopt;
    return resolved->credentials;
  };
  auto verified = sigv4::verify_header_auth(view, rules, lookup, key_cache_, now);
  if (!verified) {
    log::debug(kLogComponent, "request_id={} sigv4 check failed: {}", ex.request_id, sigv4::to_string(verified.error().check));
    return answer_error(auth_failure(ex.service, verified.error().code, verified.error().message));
  }
  if (!resolved) return answer_error(ApiError{"InternalFailure", "The key was verified but not resolved", 500, false});
  ex.caller = resolved->caller;
  const Caller& caller = *ex.caller;

  if (scope.service == "sts" && contains(settings.sts_inactive_regions, scope.region)) {
    return answer_error(ApiError{"RegionDisabledException",
                                 "STS is not activated in this region (" + scope.region +
                                     ") for this account; activate it, or use another region",
                                 0, true});
  }

  // 2. The action and its input.
  nlohmann::json input;
  const ServiceModel& service = *ex.service;
  if (service.protocol() == Protocol::json) {
    const std::string* target = request.header("X-Amz-Target");
    std::string prefix = service.target_prefix() + ".";
    if (target == nullptr || target->compare(0, prefix.size(), prefix) != 0) {
      return answer_error(ApiError{"UnknownOperationException",
                                   "X-Amz-Target must be " + prefix + "<Operation> for this service", 400, true});
    }
    ex.action = target->substr(prefix.size());
    ex.operation = service.operation(ex.action);
    if (ex.operation == nullptr || find_handler(scope.service, ex.action) == nullptr) {
      return answer_error(ApiError{"UnknownOperationException", "Unknown operation " + ex.action, 400, true});
    }
    if (request.method != "POST") {
      return answer_error(ApiError{"SerializationException", "json requests must be POST", 400, true});
    }
    if (auto problem = decode_json_input(service, *ex.operation, request.body, input)) return answer_error(*problem);
  } else {
    if (request.method != "POST" && request.method != "GET") {
      return answer_error(ApiError{"InvalidHttpRequest", "Query requests must be POST (or GET)", 400, true});
    }
    std::string_view form = request.method == "GET" ? std::string_view(request.query) : std::string_view(request.body);
    auto params = parse_form(form);
    if (!params) {
      // AWS documents MalformedQueryString with status 404 (Common Errors); we follow it.
      return answer_error(ApiError{"MalformedQueryString", params.error().message, 404, true});
    }
    std::vector<FormParam> rest;
    std::optional<std::string> action, version;
    for (auto& p : *params) {
      if (p.key == "Action") action = p.value;
      else if (p.key == "Version") version = p.value;
      else rest.push_back(std::move(p));
    }
    if (!action || action->empty()) {
      return answer_error(ApiError{"MissingAction", "The request must contain the parameter Action", 400, true});
    }
    if (action->size() > 128) action->resize(128);  // echoed in messages and the log; no action is that long
    ex.action = *action;
    ex.operation = service.operation(ex.action);
    if (ex.operation == nullptr || find_handler(scope.service, ex.action) == nullptr) {
      return answer_error(ApiError{"InvalidAction",
                                   "The action " + ex.action + " is not valid for this web service.", 400, true});
    }
    if (!version) {
      return answer_error(ApiError{"MissingParameter", "The request must contain the parameter Version", 400, true});
    }
    if (*version != service.api_version()) {
      return answer_error(ApiError{"InvalidParameterValue",
                                   "Version " + version->substr(0, 32) + " is not supported: this endpoint serves " +
                                       scope.service + " API version " + service.api_version(),
                                   400, true});
    }
    if (auto problem = decode_query_input(service, *ex.operation, rest, input)) return answer_error(*problem);
  }
  const Operation* handler = find_handler(scope.service, ex.action);

  // 3. Authorisation.
  CallContext context{*options_.store, settings, caller, scope.service, ex.action, scope.region,
                      ex.request_id, std::string(peer_ip), options_.now(), options_.wake_reconciler,
                      service_state(scope.service)};
  std::string iam_action = scope.service + ":" + ex.action;
  if (caller.kind != PrincipalKind::root && !handler->needs_no_permission) {
    iam::RequestContext rc;
    rc.action = iam_action;
    try {
      rc.resource = handler->resource != nullptr ? handler->resource(context, input) : "*";
    } catch (const std::exception&) {
      return answer_error(ApiError{"InternalFailure", "The resource of this request could not be determined", 500, false});
    }
    namespace key = iam::context_key;
    if (caller.kind == PrincipalKind::user) rc.keys.set(key::kUsername, caller.name);
    rc.keys.set(key::kUserId, caller.user_id);
    rc.keys.set(key::kPrincipalArn, caller.arn);
    rc.keys.set(key::kPrincipalAccount, caller.account_id);
    rc.keys.set(key::kPrincipalType, principal_type(caller.kind));
    auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(context.now).time_since_epoch().count();
    rc.keys.set(key::kCurrentTime, format_iso8601(seconds));
    rc.keys.set(key::kEpochTime, std::to_string(seconds));
    rc.keys.set(key::kSourceIp, std::string(peer_ip));
    rc.keys.set(key::kSecureTransport, "false");
    rc.keys.set(key::kRequestedRegion, scope.region);
    if (caller.temporary && !caller.token_issue_time.empty()) rc.keys.set(key::kTokenIssueTime, caller.token_issue_time);
    iam::Evaluation evaluation = options_.authorize ? options_.authorize(caller, rc) : iam::Evaluation{};
    if (!evaluation.allowed()) {
      log::info(kLogComponent, "request_id={} denied: {}", ex.request_id, evaluation.describe(iam_action));
      const std::string message = evaluation.denial_message(caller.arn, iam_action, rc.resource);
      if (ec2) return answer_error(ApiError{"UnauthorizedOperation", "You are not authorized to perform this operation. " + message, 403, true});
      if (service.protocol() == Protocol::json) return answer_error(ApiError{"AccessDeniedException", message, 400, true});
      return answer_error(ApiError{"AccessDenied", message, 403, true});
    }
  }

  // 4. The handler.
  Reply reply;
  try {
    reply = handler->handler(context, input);
  } catch (const std::exception& e) {
    log::error(kLogComponent, "request_id={} handler {} threw: {}", ex.request_id, iam_action, e.what());
    reply = Reply::fail(ApiError{ec2 ? "InternalError" : service.protocol() == Protocol::json ? "ServiceException" : "InternalFailure",
                                 "The request processing has failed because of an unknown error", 500, false});
  }
  if (reply.error) return answer_error(std::move(*reply.error));

  return output_response(service, *ex.operation, reply.output, ex.request_id);
}

}  // namespace borealis::api
