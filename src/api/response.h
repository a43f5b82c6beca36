// The HTTP response for a finished call in its service's protocol: the serialised output, or an
// AWS error with the status, code and fault the model gives it (query/ec2 XML, or json 1.1 with
// x-amzn-ErrorType). The router's last step, and what the codec tests drive directly.
// Never throws; never puts anything into a body but the output, the error's code and message and
// the request id.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "api/model.h"
#include "api/operation.h"
#include "http/message.h"

namespace borealis::api {

// `service` may be null (the request never named one we serve): a namespace-less query error.
// An error with http_status 0 takes the model's status for its code (400 when unmodelled), and a
// modelled code is spelled as the model spells it on the wire (iam NoSuchEntityException →
// NoSuchEntity). `error` is updated to what was sent, for the log line.
http::Response error_response(const ServiceModel* service, ApiError& error, std::string_view request_id);

http::Response output_response(const ServiceModel& service, const nlohmann::json& operation,
                               const nlohmann::json& output, std::string_view request_id);

}  // namespace borealis::api
