// The json 1.1 protocol (ds): the request body validated against the operation's input shape into
// the handler's input JSON, handler output serialised per the output shape, and error bodies
// {"__type": CODE, "Message": ...} (the router adds x-amzn-ErrorType).
// Bodies are capped in size and nesting depth before they are parsed; a body that is not JSON is a
// SerializationException, a value of the wrong type too, a missing or invalid member the service's
// InvalidParameterException (input_check.h). Timestamps are epoch seconds on the wire and ISO 8601
// strings for handlers. Never throws.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/model.h"
#include "api/operation.h"

namespace borealis::api {

// ds requests are a few hundred bytes (the largest, CreateMicrosoftAD, carries a description, a
// password and a VPC); 256 KiB is generous and keeps a hostile body cheap.
inline constexpr std::size_t kMaxJsonBody = 256 * 1024;
// The deepest ds input nests 3 levels (VpcSettings.SubnetIds[]); 32 refuses "[[[[..." bombs before
// the parser builds them.
inline constexpr int kMaxJsonDepth = 32;

std::optional<ApiError> decode_json_input(const ServiceModel& service, const nlohmann::json& operation,
                                          std::string_view body, nlohmann::json& out);

std::string json_response(const ServiceModel& service, const nlohmann::json& operation, const nlohmann::json& output);

std::string json_error(const ApiError& error, std::string_view request_id);

}  // namespace borealis::api
