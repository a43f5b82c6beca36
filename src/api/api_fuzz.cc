// libFuzzer entry for the api codecs that see untrusted bytes: form decoding, query and ec2 input
// decoding against the model, json 1.1 body decoding, and serialising whatever was decoded back out
// (a decoded input fed to the XML and JSON writers must never break them).
// Input layout: byte 0 picks the service, byte 1 the operation (modulo the service's operations),
// the rest is the body. Beyond ASan/UBSan it checks: decoding never throws; a decoded input is a JSON
// object whose dump succeeds (valid UTF-8); an error always has a code and a message; form decoding
// respects its caps. It must never write to disk itself.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "api/form.h"
#include "api/json_protocol.h"
#include "api/model.h"
#include "api/query_input.h"
#include "api/response.h"
#include "common/fuzz_check.h"

namespace {

using namespace borealis::api;  // NOLINT: a fuzzer is one file of calls into this namespace

void check_error(const std::optional<ApiError>& e) {
  if (!e) return;
  FUZZ_CHECK(!e->code.empty());
  FUZZ_CHECK(!e->message.empty());
  ApiError copy = *e;
  (void)error_response(nullptr, copy, "fuzz");
}

}  // namespace

// The operations with the richest input shapes (lists of structures, maps, nested lists, enums,
// sensitive members), across all five services.
const std::vector<std::pair<const ServiceModel*, const nlohmann::json*>>& operations() {
  static const auto all = [] {
    std::vector<std::pair<const ServiceModel*, const nlohmann::json*>> out;
    for (const auto& s : Model::get().services()) {
      for (const auto* name : {"CreateDBCluster", "ModifyDBCluster", "DescribeDBClusters", "CreateDBInstance",
                               "ModifyDBClusterParameterGroup", "CreateRole", "PutUserPolicy", "AssumeRole",
                               "UpdateAccessKey", "AuthorizeSecurityGroupIngress", "DescribeVpcs",
                               "CreateVpcPeeringConnection", "DescribeSecurityGroups", "CreateMicrosoftAD",
                               "DescribeDirectories", "ResetUserPassword", "ListUsers", "GetCallerIdentity"}) {
        if (const auto* op = s.operation(name)) out.emplace_back(&s, op);
      }
    }
    return out;
  }();
  return all;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const auto& all = operations();
  const auto& [service, operation] = all[(data[0] * 256u + data[1]) % all.size()];
  std::string_view body(reinterpret_cast<const char*>(data + 2), size - 2);
  nlohmann::json input;
  if (service->protocol() == Protocol::json) {
    auto e = decode_json_input(*service, *operation, body, input);
    check_error(e);
    if (!e) FUZZ_CHECK(input.is_object());
  } else {
    auto params = parse_form(body);
    if (!params) return 0;
    FUZZ_CHECK(params->size() <= kMaxFormParameters);
    for (const auto& p : *params) FUZZ_CHECK(!p.key.empty() && p.key.size() <= kMaxFormKeyLength);
    auto e = decode_query_input(*service, *operation, *params, input);
    check_error(e);
    if (!e) FUZZ_CHECK(input.is_object());
  }
  // Whatever decoded must serialise without throwing (dump checks UTF-8), and the writers must cope
  // with an input-shaped value where an output one is expected.
  (void)input.dump();
  (void)output_response(*service, *operation, input, "fuzz");
  return 0;
}
