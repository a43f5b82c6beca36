// Input problems, scalar conversion and model constraints; see input_check.h.
#include "api/input_check.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>

namespace borealis::api {

namespace {

std::string lower_first(std::string_view name) {
  std::string out(name);
  if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z') out[0] = static_cast<char>(out[0] - 'A' + 'a');
  return out;
}

ApiError validation_error(const InputProblem& p) {
  // iam and sts (Coral services) phrase every input problem this way.
  std::string value = p.kind == ProblemKind::missing ? "null" : p.value ? "'" + *p.value + "'" : "(not shown)";
  return ApiError{"ValidationError", "1 validation error detected: Value " + value + " at '" + lower_first(p.parameter) +
                                         "' failed to satisfy constraint: Member " + p.rule,
                  400, true};
}

std::string quoted(const InputProblem& p) { return p.value ? " (" + *p.value + ")" : ""; }

ApiError query_error(bool ec2, const InputProblem& p) {
  switch (p.kind) {
    case ProblemKind::missing:
      return ApiError{"MissingParameter", "The request must contain the parameter " + p.parameter, 400, true};
    case ProblemKind::unknown:
      if (ec2) return ApiError{"UnknownParameter", "The parameter " + p.parameter + " is not recognized", 400, true};
      // AWS's common error for a query string that does not follow the service's API.
      return ApiError{"InvalidQueryParameter", "The parameter " + p.parameter + " is not recognized", 400, true};
    case ProblemKind::too_deep:
      return ApiError{"InvalidParameterValue", "Parameter " + p.parameter + " nests too deeply", 400, true};
    case ProblemKind::bad_type:
    case ProblemKind::bad_value:
      break;
  }
  return ApiError{"InvalidParameterValue",
                  "Value" + quoted(p) + " for parameter " + p.parameter + " is invalid: it " + p.rule, 400, true};
}

ApiError json_error(const InputProblem& p) {
  switch (p.kind) {
    case ProblemKind::missing:
      return ApiError{"InvalidParameterException", "Missing required parameter " + p.parameter, 400, true};
    case ProblemKind::unknown:
      return ApiError{"InvalidParameterException", "Unknown parameter " + p.parameter, 400, true};
    case ProblemKind::bad_type:
      return ApiError{"SerializationException", "Parameter " + p.parameter + " " + p.rule, 400, true};
    case ProblemKind::too_deep:
      return ApiError{"SerializationException", "Parameter " + p.parameter + " nests too deeply", 400, true};
    case ProblemKind::bad_value:
      break;
  }
  return ApiError{"InvalidParameterException", "Value" + quoted(p) + " for parameter " + p.parameter + " is invalid: it " + p.rule,
                  400, true};
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

const nlohmann::json* number_trait(const ShapeRef& shape, std::string_view key) {
  const auto* v = shape.get(key);
  return v != nullptr && v->is_number() ? v : nullptr;
}

template <class Int>
bool parse_int(std::string_view text, Int& out) {
  if (text.empty()) return false;
  const char* first = text.data();
  if (*first == '+') ++first;  // Java's parseInt accepts a leading '+'
  auto [ptr, ec] = std::from_chars(first, text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

ApiError to_api_error(const ServiceModel& service, const InputProblem& problem) {
  if (service.protocol() == Protocol::json) return json_error(problem);
  if (service.protocol() == Protocol::ec2) return query_error(true, problem);
  bool coral = service.signing_name() == "iam" || service.signing_name() == "sts";
  if (coral && problem.kind != ProblemKind::unknown) return validation_error(problem);
  return query_error(false, problem);
}

namespace {

bool secret_sounding(std::string_view parameter) {
  std::string lower(parameter);
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  for (std::string_view word : {"password", "secret", "token"})
    if (lower.find(word) != std::string::npos) return true;
  return false;
}

}  // namespace

std::optional<std::string> quotable_value(const ShapeRef& shape, std::string_view value, std::string_view parameter) {
  if (shape.flag("sensitive") || secret_sounding(parameter)) return std::nullopt;
  std::string out(value.substr(0, kMaxQuotedValue));
  if (!valid_utf8(out)) {
    // A cut in the middle of a character, or bytes that were never UTF-8: show nothing rather than junk.
    while (!out.empty() && !valid_utf8(out)) out.pop_back();
  }
  if (value.size() > kMaxQuotedValue) out += "...";
  return out;
}

bool is_scalar_type(std::string_view type) {
  return type == "string" || type == "integer" || type == "long" || type == "boolean" || type == "double" ||
         type == "float" || type == "timestamp" || type == "blob";
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t extra;
    std::uint32_t cp;
    if (c < 0x80) { ++i; continue; }
    if (c >= 0xC2 && c <= 0xDF) { extra = 1; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { extra = 2; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { extra = 3; cp = c & 0x07; }
    else return false;
    if (i + extra >= s.size()) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += extra + 1;
  }
  return true;
}

std::optional<long long> parse_iso8601(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
  int year, month, day, hour, minute, second;
  if (!digits(s, 0, 4, year) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, month) || s[7] != '-' ||
      !digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, hour) || s[13] != ':' ||
      !digits(s, 14, 2, minute) || s[16] != ':' || !digits(s, 17, 2, second)) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9' && pos - start < 9) ++pos;
    if (pos == start) return std::nullopt;
  }
  long long offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om) ||
        oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = (s[pos] == '+' ? 1 : -1) * (oh * 3600LL + om * 60LL);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  using namespace std::chrono;
  year_month_day ymd{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                     std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return std::nullopt;
  long long days = sys_days(ymd).time_since_epoch().count();
  return days * 86400LL + hour * 3600LL + minute * 60LL + (second == 60 ? 59 : second) - offset;
}

std::string format_iso8601(long long t) {
  using namespace std::chrono;
  long long days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  long long rest = t - days * 86400;
  year_month_day ymd{sys_days{std::chrono::days{days}}};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), rest / 3600, rest / 60 % 60,
                rest % 60);
  return buf;
}

std::optional<InputProblem> convert_scalar(const ShapeRef& shape, std::string_view text, const std::string& parameter,
                                           nlohmann::json& out) {
  auto problem = [&](std::string rule) {
    return InputProblem{ProblemKind::bad_type, parameter, std::move(rule), quotable_value(shape, text, parameter)};
  };
  std::string_view type = shape.type();
  if (type == "string" || type == "blob") {
    if (!valid_utf8(text)) return InputProblem{ProblemKind::bad_value, parameter, "must be valid UTF-8", std::nullopt};
    out = std::string(text);
  } else if (type == "integer") {
    std::int32_t v;
    if (!parse_int(text, v)) return problem("must be an integer between -2147483648 and 2147483647");
    out = v;
  } else if (type == "long") {
    std::int64_t v;
    if (!parse_int(text, v)) return problem("must be an integer between -9223372036854775808 and 9223372036854775807");
    out = v;
  } else if (type == "boolean") {
    if (text == "true" || text == "TRUE" || text == "True") out = true;
    else if (text == "false" || text == "FALSE" || text == "False") out = false;
    else return problem("must be true or false");
  } else if (type == "double" || type == "float") {
    std::string copy(text);
    char* end = nullptr;
    double v = copy.empty() ? 0 : std::strtod(copy.c_str(), &end);
    if (copy.empty() || end != copy.c_str() + copy.size() || !std::isfinite(v)) return problem("must be a number");
    out = v;
  } else if (type == "timestamp") {
    auto t = parse_iso8601(text);
    if (!t) {
      long long epoch;
      if (!parse_int(text, epoch)) return problem("must be an ISO 8601 timestamp such as 2026-11-28T17:30:00Z");
      t = epoch;
    }
    out = format_iso8601(*t);
  } else {
    return problem("cannot be given as a single value");
  }
  return check_constraints(shape, out, parameter);
}

std::optional<InputProblem> check_constraints(const ShapeRef& shape, const nlohmann::json& value,
                                              const std::string& parameter) {
  std::string_view type = shape.type();
  const auto* min = number_trait(shape, "min");
  const auto* max = number_trait(shape, "max");
  auto fail = [&](std::string rule, std::string_view shown) {
    return InputProblem{ProblemKind::bad_value, parameter, std::move(rule), quotable_value(shape, shown, parameter)};
  };
  if (value.is_string() && (type == "string" || type == "blob")) {
    const auto& s = value.get_ref<const std::string&>();
    std::size_t n = utf8_length(s);
    if (min != nullptr && static_cast<double>(n) < min->get<double>())
      return fail("must have length greater than or equal to " + min->dump(), s);
    if (max != nullptr && static_cast<double>(n) > max->get<double>())
      return fail("must have length less than or equal to " + max->dump(), s);
    if (const auto* e = shape.get("enum"); e != nullptr && e->is_array()) {
      bool found = false;
      std::string names;
      for (const auto& allowed : *e) {
        if (allowed == value) found = true;
        if (allowed.is_string()) names += (names.empty() ? "" : ", ") + allowed.get<std::string>();
      }
      if (!found) return fail("must satisfy enum value set: [" + names + "]", s);
    }
  } else if (value.is_number() && (type == "integer" || type == "long" || type == "double" || type == "float")) {
    double v = value.get<double>();
    std::string shown = value.dump();
    if (min != nullptr && v < min->get<double>()) return fail("must have value greater than or equal to " + min->dump(), shown);
    if (max != nullptr && v > max->get<double>()) return fail("must have value less than or equal to " + max->dump(), shown);
  } else if ((value.is_array() && type == "list") || (value.is_object() && type == "map")) {
    double n = static_cast<double>(value.size());
    if (min != nullptr && n < min->get<double>())
      return InputProblem{ProblemKind::bad_value, parameter, "must have at least " + min->dump() + " entries", std::nullopt};
    if (max != nullptr && n > max->get<double>())
      return InputProblem{ProblemKind::bad_value, parameter, "must have at most " + max->dump() + " entries", std::nullopt};
  }
  return std::nullopt;
}

}  // namespace borealis::api
