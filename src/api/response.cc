// Responses per protocol; see response.h.
#include "api/response.h"

#include "api/json_protocol.h"
#include "api/xml_output.h"

namespace borealis::api {

namespace {
constexpr std::string_view kJsonContentType = "application/x-amz-json-1.1";
constexpr std::string_view kXmlContentType = "text/xml";
}  // namespace

http::Response error_response(const ServiceModel* service, ApiError& error, std::string_view request_id) {
  if (service != nullptr) {
    ErrorInfo info = service->error_info(error.code);
    if (info.modelled) {
      error.code = info.code;
      if (error.http_status == 0) error.sender_fault = info.sender_fault;
    }
    if (error.http_status == 0) error.http_status = info.http_status;
  }
  if (error.http_status == 0) error.http_status = error.sender_fault ? 400 : 500;
  http::Response r;
  r.status = error.http_status;
  if (service != nullptr && service->protocol() == Protocol::json) {
    r.headers.push_back({"Content-Type", std::string(kJsonContentType)});
    r.headers.push_back({"x-amzn-ErrorType", error.code});
    r.body = json_error(error, request_id);
  } else {
    r.headers.push_back({"Content-Type", std::string(kXmlContentType)});
    r.body = xml_error(service, error, request_id);
  }
  return r;
}

http::Response output_response(const ServiceModel& service, const nlohmann::json& operation,
                               const nlohmann::json& output, std::string_view request_id) {
  http::Response r;
  if (service.protocol() == Protocol::json) {
    r.headers.push_back({"Content-Type", std::string(kJsonContentType)});
    r.body = json_response(service, operation, output);
  } else {
    r.headers.push_back({"Content-Type", std::string(kXmlContentType)});
    r.body = xml_response(service, operation, output, request_id);
  }
  return r;
}

}  // namespace borealis::api
