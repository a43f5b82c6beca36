// Handler output JSON → the XML body of a query-protocol (rds, iam, sts) or ec2 response, per the
// operation's output shape, as botocore's QueryParser / EC2QueryParser read it; and the two protocols'
// error bodies.
//   query: <OpResponse xmlns=NS><OpResult>members</OpResult><ResponseMetadata><RequestId>
//   ec2:   <OpResponse xmlns=NS><requestId>id</requestId>members</OpResponse>
// Members go by locationName (else their name); list items by the list member's locationName, else
// "member" (query) or "item" (ec2); flattened lists repeat the element; maps use entry/key/value.
// Output members the shape does not have are left out (the shape is the contract). Text is escaped
// and made valid XML 1.0 (invalid UTF-8 and forbidden control characters become U+FFFD), so nothing
// a handler returns can break the document. Never throws.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/model.h"
#include "api/operation.h"

namespace borealis::api {

std::string xml_response(const ServiceModel& service, const nlohmann::json& operation, const nlohmann::json& output,
                         std::string_view request_id);

// <ErrorResponse> (query) or <Response><Errors> (ec2). `error.code` is the wire code.
std::string xml_error(const ServiceModel* service, const ApiError& error, std::string_view request_id);

// Escapes text for element content and attribute values.
void append_xml_text(std::string& out, std::string_view text);

}  // namespace borealis::api
