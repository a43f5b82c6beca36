// JSON → XML per output shape; see xml_output.h.
#include "api/xml_output.h"

#include <cmath>
#include <cstdio>

#include "api/input_check.h"

namespace borealis::api {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Output shapes we serve nest at most ~6 levels (DBCluster > DBClusterMembers > item > ...); a
// handler bug producing a cycle-like deep value stops here instead of exhausting the stack.
constexpr int kMaxOutputDepth = 32;

class XmlWriter {
 public:
  XmlWriter(const ServiceModel& service, std::string& out) : service_(service), ec2_(service.protocol() == Protocol::ec2), out_(out) {}

  void members(const ShapeRef& shape, const nlohmann::json& value, int depth) {
    const auto* members = shape.get("members");
    if (members == nullptr || !members->is_object() || !value.is_object() || depth > kMaxOutputDepth) return;
    for (const auto& [name, ref_json] : members->items()) {
      auto it = value.find(name);
      if (it == value.end() || it->is_null()) continue;
      ShapeRef ref = service_.resolve(ref_json);
      if (!ref) continue;
      std::string tag = element_name(ref, name);
      if (ref.type() == "list" && ref.flag("flattened")) {
        flattened_list(ref, tag, *it, depth + 1);
      } else {
        element(ref, tag, *it, depth + 1);
      }
    }
  }

 private:
  std::string element_name(const ShapeRef& ref, std::string_view member_name) const {
    if (ref.type() == "list" && ref.flag("flattened")) {
      if (const auto* m = ref.get("member"); m != nullptr) {
        ShapeRef item = service_.resolve(*m);
        if (auto n = item.trait("locationName"); item && !n.empty()) return std::string(n);
      }
    }
    if (auto n = ref.trait("locationName"); !n.empty()) return std::string(n);
    return std::string(member_name);
  }

  void open(std::string_view tag) { out_ += '<'; out_ += tag; out_ += '>'; }
  void close(std::string_view tag) { out_ += "</"; out_ += tag; out_ += '>'; }

  void element(const ShapeRef& shape, std::string_view tag, const nlohmann::json& value, int depth) {
    if (depth > kMaxOutputDepth) return;
    std::string_view type = shape.type();
    open(tag);
    if (type == "structure") {
      members(shape, value, depth);
    } else if (type == "list") {
      const auto* m = shape.get("member");
      ShapeRef item = m != nullptr ? service_.resolve(*m) : ShapeRef{};
      if (item && value.is_array()) {
        std::string item_tag(item.trait("locationName"));
        if (item_tag.empty()) item_tag = ec2_ ? "item" : "member";
        for (const auto& v : value) element(item, item_tag, v, depth + 1);
      }
    } else if (type == "map") {
      map_entries(shape, value, depth, true);
    } else {
      scalar(shape, value);
    }
    close(tag);
  }

  void flattened_list(const ShapeRef& shape, std::string_view tag, const nlohmann::json& value, int depth) {
    const auto* m = shape.get("member");
    ShapeRef item = m != nullptr ? service_.resolve(*m) : ShapeRef{};
    if (!item || !value.is_array()) return;
    for (const auto& v : value) element(item, tag, v, depth + 1);
  }

  void map_entries(const ShapeRef& shape, const nlohmann::json& value, int depth, bool wrapped) {
    const auto* k = shape.get("key");
    const auto* v = shape.get("value");
    ShapeRef key_ref = k != nullptr ? service_.resolve(*k) : ShapeRef{};
    ShapeRef value_ref = v != nullptr ? service_.resolve(*v) : ShapeRef{};
    if (!key_ref || !value_ref || !value.is_object()) return;
    std::string key_tag(key_ref.trait("locationName"));
    std::string value_tag(value_ref.trait("locationName"));
    if (key_tag.empty()) key_tag = "key";
    if (value_tag.empty()) value_tag = "value";
    for (const auto& [key, val] : value.items()) {
      if (wrapped) open("entry");
      open(key_tag);
      append_xml_text(out_, key);
      close(key_tag);
      element(value_ref, value_tag, val, depth + 1);
      if (wrapped) close("entry");
    }
  }

  void scalar(const ShapeRef& shape, const nlohmann::json& value) {
    std::string_view type = shape.type();
    if (value.is_string()) {
      append_xml_text(out_, value.get_ref<const std::string&>());
    } else if (value.is_boolean()) {
      out_ += value.get<bool>() ? "true" : "false";
    } else if (value.is_number()) {
      if (type == "timestamp") {
        out_ += format_iso8601(static_cast<long long>(std::floor(value.get<double>())));
      } else if (value.is_number_float()) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", value.get<double>());
        out_ += buf;
      } else {
        out_ += value.dump();
      }
    } else if (!value.is_null()) {
      // A handler gave a structure where the model has a scalar: keep the document valid.
      append_xml_text(out_, value.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace));
    }
  }

  const ServiceModel& service_;
  bool ec2_;
  std::string& out_;
};

}  // namespace

void append_xml_text(std::string& out, std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '&': out += "&amp;"; ++i; continue;
      case '<': out += "&lt;"; ++i; continue;
      case '>': out += "&gt;"; ++i; continue;
      case '"': out += "&quot;"; ++i; continue;
      case '\'': out += "&apos;"; ++i; continue;
      case '\r': out += "&#13;"; ++i; continue;  // a raw CR would be normalised away by the parser
      default: break;
    }
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n') out += kReplacement;  // not allowed in XML 1.0
      else out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (len > 1 && i + len <= text.size() && valid_utf8(text.substr(i, len))) {
      std::string_view cp = text.substr(i, len);
      // U+FFFE and U+FFFF are not XML characters either.
      if (cp == "\xEF\xBF\xBE" || cp == "\xEF\xBF\xBF") out += kReplacement;
      else out += cp;
      i += len;
    } else {
      out += kReplacement;
      ++i;
    }
  }
}

std::string xml_response(const ServiceModel& service, const nlohmann::json& operation, const nlohmann::json& output,
                         std::string_view request_id) {
  std::string name = operation.contains("name") && operation["name"].is_string() ? operation["name"].get<std::string>() : "";
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + name + "Response xmlns=\"";
  append_xml_text(out, service.xml_namespace());
  // EC2 answers in "http://ec2.amazonaws.com/doc/2016-11-15/"; its model leaves the slash off.
  if (service.protocol() == Protocol::ec2 && !service.xml_namespace().ends_with('/')) out += '/';
  out += "\">";
  XmlWriter writer(service, out);
  ShapeRef shape = service.output_of(operation);
  if (service.protocol() == Protocol::ec2) {
    out += "<requestId>";
    append_xml_text(out, request_id);
    out += "</requestId>";
    if (shape) writer.members(shape, output, 0);
    else out += "<return>true</return>";  // what EC2 answers for calls without output (DeleteVpc...)
  } else {
    if (shape) {
      std::string wrapper(shape.trait("resultWrapper"));
      if (wrapper.empty()) wrapper = name + "Result";
      out += "<" + wrapper + ">";
      writer.members(shape, output, 0);
      out += "</" + wrapper + ">";
    }
    out += "<ResponseMetadata><RequestId>";
    append_xml_text(out, request_id);
    out += "</RequestId></ResponseMetadata>";
  }
  out += "</" + name + "Response>";
  return out;
}

std::string xml_error(const ServiceModel* service, const ApiError& error, std::string_view request_id) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  if (service != nullptr && service->protocol() == Protocol::ec2) {
    out += "<Response><Errors><Error><Code>";
    append_xml_text(out, error.code);
    out += "</Code><Message>";
    append_xml_text(out, error.message);
    out += "</Message></Error></Errors><RequestID>";
    append_xml_text(out, request_id);
    out += "</RequestID></Response>";
    return out;
  }
  out += "<ErrorResponse";
  if (service != nullptr && !service->xml_namespace().empty()) {
    out += " xmlns=\"";
    append_xml_text(out, service->xml_namespace());
    out += "\"";
  }
  out += "><Error><Type>";
  out += error.sender_fault ? "Sender" : "Receiver";
  out += "</Type><Code>";
  append_xml_text(out, error.code);
  out += "</Code><Message>";
  append_xml_text(out, error.message);
  out += "</Message></Error><RequestId>";
  append_xml_text(out, request_id);
  out += "</RequestId></ErrorResponse>";
  return out;
}

}  // namespace borealis::api
