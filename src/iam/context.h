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

// Global condition keys borealis fills in (AWS's names; a policy may use any spelling of the case).
namespace context_key {
inline constexpr std::string_view kUsername = "aws:username";          // IAM users only
inline constexpr std::string_view kUserId = "aws:userid";
inline constexpr std::string_view kPrincipalArn = "aws:PrincipalArn";
inline constexpr std::string_view kPrincipalAccount = "aws:PrincipalAccount";
inline constexpr std::string_view kPrincipalType = "aws:PrincipalType";  // User, AssumedRole, Account
inline constexpr std::string_view kCurrentTime = "aws:CurrentTime";      // ISO 8601, UTC
inline constexpr std::string_view kEpochTime = "aws:EpochTime";          // seconds
inline constexpr std::string_view kSourceIp = "aws:SourceIp";
inline constexpr std::string_view kSecureTransport = "aws:SecureTransport";  // "true" / "false"
inline constexpr std::string_view kRequestedRegion = "aws:RequestedRegion";
inline constexpr std::string_view kTokenIssueTime = "aws:TokenIssueTime";  // temporary credentials only
inline constexpr std::string_view kMultiFactorAuthPresent = "aws:MultiFactorAuthPresent";
}  // namespace context_key

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
