// Test helper for testdata/botocore_roundtrip.py: drives the codecs (no router, no auth) from one
// JSON request per stdin line and answers one JSON line each, so the script can check them against
// botocore's own serializers and parsers:
//   {"kind":"decode","service":S,"operation":O,"body":B}   → {"input":{...}} | {"error":{code,message,status}}
//   {"kind":"encode","service":S,"operation":O,"output":{...},"request_id":R} → {"status","headers","body"}
//   {"kind":"error","service":S,"code":C,"message":M,"status":N,"request_id":R} → {"status","headers","body"}
// Test-only: never linked into borealis.
#include <iostream>
#include <string>

#include "api/form.h"
#include "api/json_protocol.h"
#include "api/model.h"
#include "api/query_input.h"
#include "api/response.h"

namespace api = borealis::api;

namespace {

nlohmann::json response_json(const borealis::http::Response& r) {
  nlohmann::json headers = nlohmann::json::object();
  for (const auto& h : r.headers) headers[h.name] = h.value;
  return {{"status", r.status}, {"headers", headers}, {"body", r.body}};
}

nlohmann::json error_json(const api::ApiError& e) {
  return {{"error", {{"code", e.code}, {"message", e.message}, {"status", e.http_status}}}};
}

nlohmann::json run(const nlohmann::json& request) {
  const auto* service = api::Model::get().service(request.value("service", ""));
  if (service == nullptr) return {{"fatal", "unknown service"}};
  std::string kind = request.value("kind", "");
  if (kind == "error") {
    api::ApiError e{request.value("code", ""), request.value("message", ""), request.value("status", 0), true};
    return response_json(api::error_response(service, e, request.value("request_id", "")));
  }
  const auto* operation = service->operation(request.value("operation", ""));
  if (operation == nullptr) return {{"fatal", "unknown operation"}};
  if (kind == "encode") {
    return response_json(api::output_response(*service, *operation, request["output"], request.value("request_id", "")));
  }
  if (kind != "decode") return {{"fatal", "unknown kind"}};
  std::string body = request.value("body", "");
  nlohmann::json input;
  if (service->protocol() == api::Protocol::json) {
    if (auto e = api::decode_json_input(*service, *operation, body, input)) return error_json(*e);
    return {{"input", input}};
  }
  auto params = api::parse_form(body);
  if (!params) return {{"error", {{"code", "MalformedQueryString"}, {"message", params.error().message}}}};
  std::vector<api::FormParam> rest;
  for (auto& p : *params)
    if (p.key != "Action" && p.key != "Version") rest.push_back(std::move(p));
  if (auto e = api::decode_query_input(*service, *operation, rest, input)) return error_json(*e);
  return {{"input", input}};
}

}  // namespace

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    auto request = nlohmann::json::parse(line, nullptr, false);
    nlohmann::json reply = request.is_discarded() ? nlohmann::json{{"fatal", "bad request line"}} : run(request);
    std::cout << reply.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n" << std::flush;
  }
  return 0;
}
