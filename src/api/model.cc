// The model subset parsed once; see model.h.
#include "api/model.h"

#include <cstdio>
#include <cstdlib>

namespace borealis::api {

namespace generated {
extern const std::string_view kModelChunks[];
extern const std::size_t kModelChunkCount;
}  // namespace generated

namespace {

const nlohmann::json* member(const nlohmann::json* object, std::string_view key) {
  if (object == nullptr || !object->is_object()) return nullptr;
  auto it = object->find(key);
  return it == object->end() ? nullptr : &*it;
}

std::string string_member(const nlohmann::json* object, std::string_view key) {
  const auto* value = member(object, key);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

}  // namespace

std::string_view ShapeRef::type() const {
  const auto* t = member(shape, "type");
  return t != nullptr && t->is_string() ? std::string_view(t->get_ref<const std::string&>()) : std::string_view();
}

std::string_view ShapeRef::trait(std::string_view key) const {
  for (const auto* source : {ref, shape}) {
    const auto* value = member(source, key);
    if (value != nullptr && value->is_string()) return value->get_ref<const std::string&>();
  }
  return {};
}

bool ShapeRef::flag(std::string_view key) const {
  for (const auto* source : {ref, shape}) {
    const auto* value = member(source, key);
    if (value != nullptr && value->is_boolean()) return value->get<bool>();
  }
  return false;
}

const nlohmann::json* ShapeRef::get(std::string_view key) const { return member(shape, key); }

ServiceModel::ServiceModel(std::string signing_name, const nlohmann::json& definition)
    : signing_name_(std::move(signing_name)) {
  const auto* metadata = member(&definition, "metadata");
  std::string protocol = string_member(metadata, "protocol");
  protocol_ = protocol == "ec2" ? Protocol::ec2 : protocol == "json" ? Protocol::json : Protocol::query;
  api_version_ = string_member(metadata, "apiVersion");
  xml_namespace_ = string_member(metadata, "xmlNamespace");
  target_prefix_ = string_member(metadata, "targetPrefix");
  operations_ = member(&definition, "operations");
  shapes_ = member(&definition, "shapes");
}

const nlohmann::json* ServiceModel::operation(std::string_view name) const { return member(operations_, name); }

ShapeRef ServiceModel::resolve(const nlohmann::json& ref) const {
  const auto* name = member(&ref, "shape");
  if (name == nullptr || !name->is_string()) return {};
  ShapeRef out = shape(name->get_ref<const std::string&>());
  out.ref = &ref;
  return out;
}

ShapeRef ServiceModel::shape(std::string_view name) const {
  const auto* definition = member(shapes_, name);
  if (definition == nullptr) return {};
  auto it = shapes_->find(name);
  return ShapeRef{definition, nullptr, it.key()};
}

ShapeRef ServiceModel::input_of(const nlohmann::json& op) const {
  const auto* ref = member(&op, "input");
  return ref == nullptr ? ShapeRef{} : resolve(*ref);
}

ShapeRef ServiceModel::output_of(const nlohmann::json& op) const {
  const auto* ref = member(&op, "output");
  return ref == nullptr ? ShapeRef{} : resolve(*ref);
}

ErrorInfo ServiceModel::error_info(std::string_view code) const {
  ErrorInfo info{std::string(code), 400, true, false};
  auto fill = [&](const nlohmann::json& shape) {
    const auto* trait = member(&shape, "error");
    info.modelled = true;
    info.sender_fault = !member(&shape, "fault");
    if (!info.sender_fault) info.http_status = 500;  // a server fault without a modelled status
    if (trait == nullptr) return;
    if (const auto* wire = member(trait, "code"); wire != nullptr && wire->is_string()) info.code = wire->get<std::string>();
    if (const auto* status = member(trait, "httpStatusCode"); status != nullptr && status->is_number_integer())
      info.http_status = status->get<int>();
    if (const auto* sender = member(trait, "senderFault"); sender != nullptr && sender->is_boolean())
      info.sender_fault = sender->get<bool>();
  };
  if (const auto* by_name = member(shapes_, code); by_name != nullptr && member(by_name, "exception") != nullptr) {
    fill(*by_name);
    return info;
  }
  if (shapes_ == nullptr) return info;
  for (const auto& shape : *shapes_) {
    const auto* trait = member(&shape, "error");
    if (trait != nullptr && string_member(trait, "code") == code) {
      fill(shape);
      return info;
    }
  }
  return info;
}

const Model& Model::get() {
  static const Model model;
  return model;
}

Model::Model() {
  std::string text;
  for (std::size_t i = 0; i < generated::kModelChunkCount; ++i) text.append(generated::kModelChunks[i]);
  document_ = nlohmann::json::parse(text, nullptr, false);
  const auto* services = member(&document_, "services");
  if (document_.is_discarded() || services == nullptr) {
    std::fputs("borealis: the generated AWS model subset does not parse (build defect)\n", stderr);
    std::abort();
  }
  for (const auto& [name, definition] : services->items()) services_.emplace_back(name, definition);
}

const ServiceModel* Model::service(std::string_view signing_name) const {
  for (const auto& s : services_)
    if (s.signing_name() == signing_name) return &s;
  return nullptr;
}

}  // namespace borealis::api
