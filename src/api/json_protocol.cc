// json 1.1 codec; see json_protocol.h.
#include "api/json_protocol.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include "api/input_check.h"
#include "common/json_depth.h"

namespace borealis::api {

namespace {

class JsonDecoder {
 public:
  explicit JsonDecoder(const ServiceModel& service) : service_(service) {}

  std::optional<InputProblem> value(const ShapeRef& shape, const nlohmann::json& in, const std::string& path, int depth,
                                    nlohmann::json& out) {
    if (depth > kMaxJsonDepth) return InputProblem{ProblemKind::too_deep, path, "", std::nullopt};
    std::string_view type = shape.type();
    auto wrong = [&](std::string rule) { return InputProblem{ProblemKind::bad_type, path, std::move(rule), std::nullopt}; };
    if (type == "structure") {
      if (!in.is_object()) return wrong("must be an object");
      return structure(shape, in, path, depth, out);
    }
    if (type == "list") {
      if (!in.is_array()) return wrong("must be an array");
      const auto* m = shape.get("member");
      ShapeRef item = m != nullptr ? service_.resolve(*m) : ShapeRef{};
      if (!item) return std::nullopt;
      out = nlohmann::json::array();
      for (std::size_t i = 0; i < in.size(); ++i) {
        nlohmann::json v;
        if (auto p = value(item, in[i], path + "[" + std::to_string(i) + "]", depth + 1, v)) return p;
        out.push_back(std::move(v));
      }
      return check_constraints(shape, out, path);
    }
    if (type == "map") {
      if (!in.is_object()) return wrong("must be an object");
      const auto* k = shape.get("key");
      const auto* v = shape.get("value");
      ShapeRef key_ref = k != nullptr ? service_.resolve(*k) : ShapeRef{};
      ShapeRef value_ref = v != nullptr ? service_.resolve(*v) : ShapeRef{};
      if (!key_ref || !value_ref) return std::nullopt;
      out = nlohmann::json::object();
      for (const auto& [key, val] : in.items()) {
        nlohmann::json converted_key = key;
        if (auto p = check_constraints(key_ref, converted_key, path + "." + key)) return p;
        nlohmann::json converted;
        if (auto p = value(value_ref, val, path + "." + key, depth + 1, converted)) return p;
        out[key] = std::move(converted);
      }
      return check_constraints(shape, out, path);
    }
    if (type == "string" || type == "blob") {
      if (!in.is_string()) return wrong("must be a string");
      out = in;
    } else if (type == "integer" || type == "long") {
      if (!in.is_number_integer()) return wrong("must be an integer");
      if (in.is_number_unsigned() && in.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return wrong("is out of range");
      std::int64_t n = in.get<std::int64_t>();
      if (type == "integer" && (n < std::numeric_limits<std::int32_t>::min() || n > std::numeric_limits<std::int32_t>::max()))
        return wrong("is out of range for an integer");
      out = n;
    } else if (type == "boolean") {
      if (!in.is_boolean()) return wrong("must be true or false");
      out = in;
    } else if (type == "double" || type == "float") {
      if (!in.is_number()) return wrong("must be a number");
      out = in;
    } else if (type == "timestamp") {
      if (in.is_number()) {
        double t = in.get<double>();
        // ±10000 years in seconds: anything beyond is not a date.
        if (!std::isfinite(t) || std::fabs(t) > 253402300799.0) return wrong("is not a valid timestamp");
        out = format_iso8601(static_cast<long long>(std::floor(t)));
      } else if (in.is_string() && parse_iso8601(in.get_ref<const std::string&>())) {
        out = format_iso8601(*parse_iso8601(in.get_ref<const std::string&>()));
      } else {
        return wrong("must be a timestamp (epoch seconds)");
      }
    } else {
      return std::nullopt;
    }
    return check_constraints(shape, out, path);
  }

 private:
  std::optional<InputProblem> structure(const ShapeRef& shape, const nlohmann::json& in, const std::string& path,
                                        int depth, nlohmann::json& out) {
    out = nlohmann::json::object();
    const auto* members = shape.get("members");
    for (const auto& [name, val] : in.items()) {
      std::string member_path = path.empty() ? name : path + "." + name;
      auto it = members != nullptr && members->is_object() ? members->find(name) : nlohmann::json::const_iterator();
      if (members == nullptr || !members->is_object() || it == members->end()) {
        return InputProblem{ProblemKind::unknown, member_path, "", std::nullopt};
      }
      if (val.is_null()) continue;  // botocore never sends null; other SDKs mean "absent"
      ShapeRef ref = service_.resolve(*it);
      if (!ref) continue;
      nlohmann::json converted;
      if (auto p = value(ref, val, member_path, depth + 1, converted)) return p;
      out[name] = std::move(converted);
    }
    if (const auto* required = shape.get("required"); required != nullptr && required->is_array()) {
      for (const auto& name : *required) {
        if (name.is_string() && !out.contains(name.get<std::string>())) {
          std::string n = name.get<std::string>();
          return InputProblem{ProblemKind::missing, path.empty() ? n : path + "." + n, "must not be null", std::nullopt};
        }
      }
    }
    return std::nullopt;
  }

  const ServiceModel& service_;
};

// Output: like the input but in the other direction, and forgiving (the handler is trusted code;
// a mismatch is dropped rather than failing the call).
nlohmann::json to_wire(const ServiceModel& service, const ShapeRef& shape, const nlohmann::json& value, int depth) {
  if (depth > kMaxJsonDepth) return nullptr;
  std::string_view type = shape.type();
  if (type == "structure") {
    nlohmann::json out = nlohmann::json::object();
    const auto* members = shape.get("members");
    if (members == nullptr || !members->is_object() || !value.is_object()) return out;
    for (const auto& [name, ref_json] : members->items()) {
      auto it = value.find(name);
      if (it == value.end() || it->is_null()) continue;
      ShapeRef ref = service.resolve(ref_json);
      if (ref) out[name] = to_wire(service, ref, *it, depth + 1);
    }
    return out;
  }
  if (type == "list") {
    nlohmann::json out = nlohmann::json::array();
    const auto* m = shape.get("member");
    ShapeRef item = m != nullptr ? service.resolve(*m) : ShapeRef{};
    if (!item || !value.is_array()) return out;
    for (const auto& v : value) out.push_back(to_wire(service, item, v, depth + 1));
    return out;
  }
  if (type == "map") {
    nlohmann::json out = nlohmann::json::object();
    const auto* v = shape.get("value");
    ShapeRef value_ref = v != nullptr ? service.resolve(*v) : ShapeRef{};
    if (!value_ref || !value.is_object()) return out;
    for (const auto& [key, val] : value.items()) out[key] = to_wire(service, value_ref, val, depth + 1);
    return out;
  }
  if (type == "timestamp" && value.is_string()) {
    if (auto t = parse_iso8601(value.get_ref<const std::string&>())) return *t;
  }
  return value;
}

}  // namespace

std::optional<ApiError> decode_json_input(const ServiceModel& service, const nlohmann::json& operation,
                                          std::string_view body, nlohmann::json& out) {
  if (body.size() > kMaxJsonBody) {
    return ApiError{"SerializationException", "The request body is larger than " + std::to_string(kMaxJsonBody) + " bytes",
                    400, true};
  }
  if (json_nesting_depth(body, kMaxJsonDepth) > kMaxJsonDepth) {
    return ApiError{"SerializationException", "The request body nests deeper than " + std::to_string(kMaxJsonDepth) + " levels",
                    400, true};
  }
  nlohmann::json parsed = body.empty() ? nlohmann::json::object() : nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded()) return ApiError{"SerializationException", "The request body is not valid JSON", 400, true};
  if (!parsed.is_object()) return ApiError{"SerializationException", "The request body must be a JSON object", 400, true};
  ShapeRef input = service.input_of(operation);
  if (!input) {
    out = nlohmann::json::object();
    if (!parsed.empty()) return to_api_error(service, {ProblemKind::unknown, parsed.begin().key(), "", std::nullopt});
    return std::nullopt;
  }
  JsonDecoder decoder(service);
  if (auto problem = decoder.value(input, parsed, "", 0, out)) return to_api_error(service, *problem);
  return std::nullopt;
}

std::string json_response(const ServiceModel& service, const nlohmann::json& operation, const nlohmann::json& output) {
  ShapeRef shape = service.output_of(operation);
  nlohmann::json wire = shape ? to_wire(service, shape, output, 0) : nlohmann::json::object();
  return wire.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string json_error(const ApiError& error, std::string_view request_id) {
  nlohmann::json body = {{"__type", error.code}, {"Message", error.message}, {"RequestId", std::string(request_id)}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace borealis::api
