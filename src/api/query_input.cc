// Query and ec2 form parameters → input JSON; see query_input.h.
#include "api/query_input.h"

#include <map>
#include <set>

#include "api/input_check.h"

namespace borealis::api {

namespace {

class QueryDecoder {
 public:
  QueryDecoder(const ServiceModel& service, std::span<const FormParam> params)
      : service_(service), ec2_(service.protocol() == Protocol::ec2) {
    for (const auto& p : params) params_.emplace(p.key, p.value);
  }

  std::optional<InputProblem> decode(const ShapeRef& input, nlohmann::json& out) {
    out = nlohmann::json::object();
    if (input) {
      if (auto problem = structure(input, "", 0, out)) return problem;
    }
    for (const auto& [key, value] : params_) {
      if (!consumed_.count(key)) return InputProblem{ProblemKind::unknown, key, "", std::nullopt};
    }
    return std::nullopt;
  }

 private:
  using Params = std::map<std::string, std::string, std::less<>>;

  // The name a member (or list member, map key/value) goes by on the wire.
  std::string wire_name(const ShapeRef& ref, std::string_view fallback) const {
    if (ec2_) {
      if (auto q = ref.trait("queryName"); !q.empty()) return std::string(q);
      if (auto n = ref.trait("locationName"); !n.empty()) {
        std::string name(n);
        if (name[0] >= 'a' && name[0] <= 'z') name[0] = static_cast<char>(name[0] - 'a' + 'A');
        return name;
      }
      return std::string(fallback);
    }
    if (auto n = ref.trait("locationName"); !n.empty()) return std::string(n);
    return std::string(fallback);
  }

  bool has_prefix(const std::string& prefix) const {
    std::string dotted = prefix + ".";
    auto it = params_.lower_bound(dotted);
    return it != params_.end() && it->first.compare(0, dotted.size(), dotted) == 0;
  }

  // The indices N present under "prefix.N...", ascending; keys whose next component is not an
  // index are left unconsumed (and so reported as unknown).
  std::set<long> indices(const std::string& prefix) const {
    std::set<long> out;
    std::string dotted = prefix + ".";
    for (auto it = params_.lower_bound(dotted); it != params_.end() && it->first.compare(0, dotted.size(), dotted) == 0;
         ++it) {
      std::string_view rest = std::string_view(it->first).substr(dotted.size());
      std::string_view component = rest.substr(0, rest.find('.'));
      if (component.empty() || component.size() > 5 || component[0] == '0') continue;
      long n = 0;
      bool ok = true;
      for (char c : component) {
        if (c < '0' || c > '9') { ok = false; break; }
        n = n * 10 + (c - '0');
      }
      if (ok && n <= kMaxListIndex) out.insert(n);
    }
    return out;
  }

  std::optional<InputProblem> structure(const ShapeRef& shape, const std::string& prefix, int depth, nlohmann::json& out) {
    out = nlohmann::json::object();
    const auto* members = shape.get("members");
    if (members != nullptr && members->is_object()) {
      for (const auto& [name, ref_json] : members->items()) {
        ShapeRef ref = service_.resolve(ref_json);
        if (!ref) continue;
        std::string wire = wire_name(ref, name);
        std::string path = prefix.empty() ? wire : prefix + "." + wire;
        nlohmann::json value;
        bool present = false;
        if (auto problem = member(ref, path, depth + 1, value, present)) return problem;
        if (present) out[name] = std::move(value);
      }
    }
    if (const auto* required = shape.get("required"); required != nullptr && required->is_array()) {
      for (const auto& name : *required) {
        if (!name.is_string() || out.contains(name.get<std::string>())) continue;
        std::string wire = name.get<std::string>();
        if (members != nullptr && members->is_object()) {
          if (auto it = members->find(wire); it != members->end()) {
            if (ShapeRef ref = service_.resolve(*it)) wire = wire_name(ref, wire);
          }
        }
        return InputProblem{ProblemKind::missing, prefix.empty() ? wire : prefix + "." + wire, "must not be null",
                            std::nullopt};
      }
    }
    return std::nullopt;
  }

  std::optional<InputProblem> member(const ShapeRef& ref, const std::string& path, int depth, nlohmann::json& out,
                                     bool& present) {
    if (depth > kMaxInputDepth) return InputProblem{ProblemKind::too_deep, path, "", std::nullopt};
    std::string_view type = ref.type();
    if (is_scalar_type(type)) {
      auto it = params_.find(path);
      if (it == params_.end()) return std::nullopt;
      consumed_.insert(it->first);
      present = true;
      return convert_scalar(ref, it->second, path, out);
    }
    if (type == "structure") {
      if (!has_prefix(path)) return std::nullopt;
      present = true;
      return structure(ref, path, depth, out);
    }
    if (type == "list") return list(ref, path, depth, out, present);
    if (type == "map") return map(ref, path, depth, out, present);
    return std::nullopt;
  }

  std::optional<InputProblem> list(const ShapeRef& shape, const std::string& path, int depth, nlohmann::json& out,
                                   bool& present) {
    const auto* member_json = shape.get("member");
    ShapeRef item = member_json != nullptr ? service_.resolve(*member_json) : ShapeRef{};
    if (!item) return std::nullopt;
    out = nlohmann::json::array();
    if (auto it = params_.find(path); it != params_.end()) {
      // "Name=" is how the query protocol sends an empty list; anything else there is a mistake.
      consumed_.insert(it->first);
      present = true;
      if (!it->second.empty() || ec2_) {
        return InputProblem{ProblemKind::bad_type, path,
                            "is a list: give its items as " + path + (ec2_ ? ".1" : ".member.1"),
                            quotable_value(shape, it->second, path)};
      }
    }
    std::string item_prefix;
    if (ec2_) {
      item_prefix = path;
    } else if (shape.flag("flattened")) {
      item_prefix = path;
      if (auto n = item.trait("locationName"); !n.empty()) {
        auto dot = path.rfind('.');
        item_prefix = (dot == std::string::npos ? std::string() : path.substr(0, dot + 1)) + std::string(n);
      }
    } else {
      item_prefix = path + "." + wire_name(item, "member");
    }
    for (long n : indices(item_prefix)) {
      std::string item_path = item_prefix + "." + std::to_string(n);
      nlohmann::json value;
      bool item_present = false;
      if (auto problem = member(item, item_path, depth + 1, value, item_present)) return problem;
      if (!item_present) continue;  // keys like "X.member.1.Bogus": reported as unknown afterwards
      present = true;
      out.push_back(std::move(value));
    }
    if (!present) return std::nullopt;
    return check_constraints(shape, out, path);
  }

  std::optional<InputProblem> map(const ShapeRef& shape, const std::string& path, int depth, nlohmann::json& out,
                                  bool& present) {
    const auto* key_json = shape.get("key");
    const auto* value_json = shape.get("value");
    ShapeRef key_ref = key_json != nullptr ? service_.resolve(*key_json) : ShapeRef{};
    ShapeRef value_ref = value_json != nullptr ? service_.resolve(*value_json) : ShapeRef{};
    if (!key_ref || !value_ref) return std::nullopt;
    out = nlohmann::json::object();
    std::string entry_prefix = shape.flag("flattened") || ec2_ ? path : path + ".entry";
    std::string key_name = wire_name(key_ref, "key");
    std::string value_name = wire_name(value_ref, "value");
    for (long n : indices(entry_prefix)) {
      std::string base = entry_prefix + "." + std::to_string(n) + ".";
      nlohmann::json key, value;
      bool key_present = false, value_present = false;
      if (auto problem = member(key_ref, base + key_name, depth + 1, key, key_present)) return problem;
      if (auto problem = member(value_ref, base + value_name, depth + 1, value, value_present)) return problem;
      if (!key_present) return InputProblem{ProblemKind::missing, base + key_name, "must not be null", std::nullopt};
      if (!key.is_string()) return std::nullopt;
      present = true;
      out[key.get<std::string>()] = value_present ? std::move(value) : nlohmann::json();
    }
    if (!present) return std::nullopt;
    return check_constraints(shape, out, path);
  }

  const ServiceModel& service_;
  bool ec2_;
  Params params_;
  std::set<std::string, std::less<>> consumed_;
};

}  // namespace

std::optional<ApiError> decode_query_input(const ServiceModel& service, const nlohmann::json& operation,
                                           std::span<const FormParam> params, nlohmann::json& out) {
  QueryDecoder decoder(service, params);
  if (auto problem = decoder.decode(service.input_of(operation), out)) return to_api_error(service, *problem);
  return std::nullopt;
}

}  // namespace borealis::api
