// The botocore model subset borealis serves (generated at build time by models/make_models.py from
// Debian's awscli package), parsed once: services by signing name, their operations and shapes, and
// the HTTP status and fault of each modelled error code.
// Read-only after the first call (thread-safe); lookups never throw and return nullptr for names the
// subset does not hold. Must never be edited by hand: change models/operations.txt instead.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace borealis::api {

enum class Protocol { query, ec2, json };

// A reference to a shape as it appears inside another (a structure member, a list member, a map
// key or value, an operation's input or output): the shape itself plus the reference's own traits,
// which take precedence over the shape's (botocore merges them the same way).
struct ShapeRef {
  const nlohmann::json* shape = nullptr;  // the shape definition ({"type": ...})
  const nlohmann::json* ref = nullptr;    // the reference ({"shape": NAME, "locationName": ...}), may be null
  std::string_view name;                  // the shape's name

  explicit operator bool() const { return shape != nullptr; }
  std::string_view type() const;
  // A string trait (locationName, queryName, resultWrapper, timestampFormat): the reference's, else
  // the shape's; "" when neither has it.
  std::string_view trait(std::string_view key) const;
  bool flag(std::string_view key) const;  // a boolean trait (flattened, xmlAttribute)
  const nlohmann::json* get(std::string_view key) const;  // a raw trait of the shape (min, max, enum)
};

struct ErrorInfo {
  std::string code;       // the wire code ("NoSuchEntity" for iam's NoSuchEntityException)
  int http_status = 400;
  bool sender_fault = true;
  bool modelled = false;  // the service's model defines this error
};

class ServiceModel {
 public:
  ServiceModel(std::string signing_name, const nlohmann::json& definition);

  const std::string& signing_name() const { return signing_name_; }
  Protocol protocol() const { return protocol_; }
  const std::string& api_version() const { return api_version_; }
  const std::string& xml_namespace() const { return xml_namespace_; }
  const std::string& target_prefix() const { return target_prefix_; }  // json: "DirectoryService_20150416"

  // {"name", "input": {"shape"}, "output": {"shape", "resultWrapper"}, "errors"}, or nullptr.
  const nlohmann::json* operation(std::string_view name) const;
  ShapeRef input_of(const nlohmann::json& operation) const;   // null ShapeRef when it takes no input
  ShapeRef output_of(const nlohmann::json& operation) const;  // null ShapeRef when it returns nothing
  ShapeRef shape(std::string_view name) const;
  // The reference `ref` ({"shape": NAME, ...}) resolved; a dangling name gives a null ShapeRef.
  ShapeRef resolve(const nlohmann::json& ref) const;
  // Looks the code up as a wire code or a shape name; unmodelled codes: 400, sender fault.
  ErrorInfo error_info(std::string_view code) const;

 private:
  std::string signing_name_;
  Protocol protocol_ = Protocol::query;
  std::string api_version_;
  std::string xml_namespace_;
  std::string target_prefix_;
  const nlohmann::json* operations_ = nullptr;
  const nlohmann::json* shapes_ = nullptr;
};

class Model {
 public:
  // The generated subset, parsed on first use. Aborts the process if the generated text does not
  // parse (a build defect, not an input error).
  static const Model& get();

  const ServiceModel* service(std::string_view signing_name) const;
  const std::vector<ServiceModel>& services() const { return services_; }

 private:
  Model();
  nlohmann::json document_;
  std::vector<ServiceModel> services_;
};

}  // namespace borealis::api
