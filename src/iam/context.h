// The request context a policy is evaluated against: the action, the resource ARN and the condition
// keys (aws:username, aws:CurrentTime, aws:SourceIp, ...). Keys are case-insensitive, as AWS's are;
// a key may carry several values (for ForAnyValue/ForAllValues). Pure data: the API layer and the
// gateway fill it in; nothing here reads a clock or a socket.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace borealis::iam {

class ContextKeys {
 public:
  // Replaces the values of `key`.
  void set(std::string_view key, std::string value) { values_[fold(key)] = {std::move(value)}; }
  void set_all(std::string_view key, std::vector<std::string> values) { values_[fold(key)] = std::move(values); }
  void erase(std::string_view key) { values_.erase(fold(key)); }
  // nullptr when the key is absent from the request.
  const std::vector<std::string>* find(std::string_view key) const {
    auto it = values_.find(fold(key));
    return it == values_.end() ? nullptr : &it->second;
  }

 private:
  static std::string fold(std::string_view key) {
    std::string k(key);
    for (char& c : k)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return k;
  }
  std::map<std::string, std::vector<std::string>> values_;
};

struct RequestContext {
  std::string action;    // "rds-db:connect", "rds:CreateDBCluster"
  std::string resource;  // an ARN, or "*" for actions without a resource
  ContextKeys keys;
};

}  // namespace borealis::iam
