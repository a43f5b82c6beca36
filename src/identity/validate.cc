#include "identity/validate.h"

namespace borealis::identity {
namespace {

bool word_or(char c, std::string_view extra) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         extra.find(c) != std::string_view::npos;
}

constexpr std::string_view kNameExtra = "+=,.@-";

bool all_name_chars(std::string_view value) {
  for (char c : value)
    if (!word_or(c, kNameExtra)) return false;
  return true;
}

api::ApiError constraint(std::string_view member, std::string_view value, std::string_view rule) {
  return validation_error("1 validation error detected: Value '" + std::string(value) + "' at '" + std::string(member) +
                          "' failed to satisfy constraint: " + std::string(rule));
}

std::string length_rule(std::size_t min, std::size_t max) {
  return "Member must have length between " + std::to_string(min) + " and " + std::to_string(max);
}

}  // namespace

std::optional<std::string> string_member(const nlohmann::json& input, std::string_view name) {
  if (!input.is_object()) return std::nullopt;
  auto it = input.find(name);
  if (it == input.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<std::int64_t> int_member(const nlohmann::json& input, std::string_view name) {
  if (!input.is_object()) return std::nullopt;
  auto it = input.find(name);
  if (it == input.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

std::optional<bool> bool_member(const nlohmann::json& input, std::string_view name) {
  if (!input.is_object()) return std::nullopt;
  auto it = input.find(name);
  if (it == input.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

api::ApiError validation_error(std::string message) { return api::ApiError{"ValidationError", std::move(message), 400, true}; }

api::ApiError missing_member(std::string_view member) {
  return validation_error("1 validation error detected: Value null at '" + std::string(member) +
                          "' failed to satisfy constraint: Member must not be null");
}

std::optional<api::ApiError> check_name(std::string_view member, std::string_view value, std::size_t max_chars) {
  if (value.empty() || value.size() > max_chars) return constraint(member, value, length_rule(1, max_chars));
  if (!all_name_chars(value))
    return constraint(member, value, "Member must satisfy regular expression pattern: [\\w+=,.@-]+");
  return std::nullopt;
}

std::optional<api::ApiError> check_session_name(std::string_view member, std::string_view value) {
  if (value.size() < kMinSessionNameChars || value.size() > kMaxSessionNameChars)
    return constraint(member, value, length_rule(kMinSessionNameChars, kMaxSessionNameChars));
  if (!all_name_chars(value))
    return constraint(member, value, "Member must satisfy regular expression pattern: [\\w+=,.@-]*");
  return std::nullopt;
}

std::optional<api::ApiError> check_path(std::string_view member, std::string_view value) {
  if (value.empty() || value.size() > kMaxPathChars) return constraint(member, value, length_rule(1, kMaxPathChars));
  bool ok = value.front() == '/' && value.back() == '/';
  for (unsigned char c : value) ok = ok && c >= 0x21 && c <= 0x7f;
  if (!ok)
    return constraint(member, value,
                      "Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)");
  return std::nullopt;
}

std::optional<api::ApiError> check_policy_path(std::string_view member, std::string_view value) {
  if (value.empty() || value.size() > kMaxPathChars) return constraint(member, value, length_rule(1, kMaxPathChars));
  // Segments between slashes must be non-empty runs of the allowed characters.
  bool ok = value.front() == '/' && value.back() == '/';
  for (std::size_t i = 1; ok && i < value.size(); ++i) {
    const char c = value[i];
    ok = c == '/' ? value[i - 1] != '/' : word_or(c, ".,+@=-");
  }
  if (!ok)
    return constraint(member, value,
                      "Member must satisfy regular expression pattern: ((/[A-Za-z0-9\\.,\\+@=_-]+)*)/");
  return std::nullopt;
}

std::optional<api::ApiError> check_length(std::string_view member, std::string_view value, std::size_t max_chars) {
  if (value.size() <= max_chars) return std::nullopt;
  return validation_error("1 validation error detected: Value at '" + std::string(member) +
                          "' failed to satisfy constraint: Member must have length less than or equal to " +
                          std::to_string(max_chars));
}

NameOrError required_name(const nlohmann::json& input, std::string_view key, std::string_view member,
                          std::size_t max_chars) {
  auto value = string_member(input, key);
  if (!value) return {"", missing_member(member)};
  if (auto e = check_name(member, *value, max_chars)) return {"", std::move(e)};
  return {std::move(*value), std::nullopt};
}

}  // namespace borealis::identity
