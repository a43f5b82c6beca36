#include "identity/replies.h"

#include <charconv>

#include "common/log.h"
#include "identity/validate.h"
#include "sigv4/encoding.h"

namespace borealis::identity {

api::Reply no_such_entity(std::string message) { return api::Reply::fail("NoSuchEntity", std::move(message), 404); }
api::Reply entity_already_exists(std::string message) {
  return api::Reply::fail("EntityAlreadyExists", std::move(message), 409);
}
api::Reply delete_conflict(std::string message) { return api::Reply::fail("DeleteConflict", std::move(message), 409); }
api::Reply limit_exceeded(std::string message) { return api::Reply::fail("LimitExceeded", std::move(message), 409); }
api::Reply invalid_input(std::string message) { return api::Reply::fail("InvalidInput", std::move(message), 400); }

api::Reply service_failure(const api::CallContext& context, const Error& error) {
  log::error("identity", "{} failed request_id={} code={} error=\"{}\"", context.action, context.request_id,
             to_string(error.code), error.message);
  return api::Reply::fail(api::ApiError{"ServiceFailure", "The request processing has failed because of an unknown "
                                        "error, exception or failure.", 500, false});
}

api::Reply from_store_error(const api::CallContext& context, const Error& error, std::string not_found_message) {
  if (error.code == Errc::not_found) return no_such_entity(std::move(not_found_message));
  return service_failure(context, error);
}

api::Reply paged(const nlohmann::json& input, std::vector<nlohmann::json> items, std::string_view member) {
  std::int64_t max_items = kDefaultMaxItems;
  if (auto m = int_member(input, "MaxItems")) {
    if (*m < 1 || *m > kMaxMaxItems)
      return api::Reply::fail(validation_error(
          "1 validation error detected: Value '" + std::to_string(*m) +
          "' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000"));
    max_items = *m;
  }
  std::size_t start = 0;
  if (auto marker = string_member(input, "Marker")) {
    const char* begin = marker->data();
    const char* end = begin + marker->size();
    auto [ptr, ec] = std::from_chars(begin, end, start);
    if (ec != std::errc() || ptr != end || start > items.size())
      return api::Reply::fail(validation_error("Invalid Marker: it was not returned by a previous call"));
  }
  const std::size_t stop = std::min(items.size(), start + static_cast<std::size_t>(max_items));
  nlohmann::json list = nlohmann::json::array();
  for (std::size_t i = start; i < stop; ++i) list.push_back(std::move(items[i]));
  nlohmann::json out = nlohmann::json::object();
  out[std::string(member)] = std::move(list);
  out["IsTruncated"] = stop < items.size();
  if (stop < items.size()) out["Marker"] = std::to_string(stop);
  return api::Reply::ok(std::move(out));
}

std::string encode_document(std::string_view document) { return sigv4::uri_encode(document, false); }

}  // namespace borealis::identity
