// IAM users, access keys, roles, customer managed policies, attachments, inline policies and STS
// sessions, kept in the control plane's store (same connection and transactions as store.h).
// Typed records in, typed records out; the API semantics (name rules, quotas, AWS error codes) live in
// src/identity/. Names of users, roles and managed policies are unique ignoring case, as in IAM, and
// are found ignoring case. It must never store an STS session token (only its SHA-256) and never put a
// secret into an error message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/secret.h"
#include "store/store.h"

namespace borealis::store {

struct IamUserRecord {
  std::string id;    // AIDA + 16 upper-case alphanumerics
  std::string name;  // as created (lookups ignore case)
  std::string path = "/";
  std::string arn;
  std::string created_at;  // RFC 3339 UTC; set by the store if empty
};

enum class KeyOwner { root, user };

struct AccessKeyRecord {
  std::string id;  // AKIA + 16
  Secret secret;   // 40 characters
  KeyOwner owner = KeyOwner::user;
  std::string user_name;  // "" for root keys
  bool active = true;
  std::string created_at;  // set by the store if empty
};

struct IamRoleRecord {
  std::string id;  // AROA + 16
  std::string name;
  std::string path = "/";
  std::string arn;
  std::string trust_policy;  // the AssumeRolePolicyDocument as given (validated by the caller)
  std::string description;
  int max_session_duration = 3600;  // seconds
  std::string created_at;
};

struct ManagedPolicyRecord {
  std::string id;  // ANPA + 16
  std::string name;
  std::string path = "/";
  std::string arn;
  std::string document;  // version v1, the only version
  std::string description;
  std::string created_at;
  std::string updated_at;
};

enum class PrincipalType { user, role };

struct InlinePolicyRecord {
  PrincipalType principal_type = PrincipalType::user;
  std::string principal_name;
  std::string policy_name;
  std::string document;
};

struct StsSessionRecord {
  std::string access_key_id;  // ASIA + 16
  Secret secret;
  std::string token_sha256;  // lower-case hex of SHA-256(session token); the token itself is never stored
  std::string role_name;
  std::string role_id;
  std::string session_name;
  std::string issued_at;        // RFC 3339 UTC
  std::int64_t expires_at = 0;  // epoch seconds
};

class IamTables {
 public:
  explicit IamTables(Store& store) : store_(store) {}

  // Users. create: already_exists when a user has the name in any case. get/delete: not_found.
  // delete_user removes only the user row: the caller checks for keys and policies first.
  Result<IamUserRecord> create_user(IamUserRecord user);
  Result<IamUserRecord> get_user(const std::string& name);
  Result<std::vector<IamUserRecord>> list_users();  // ordered by name
  Status delete_user(const std::string& name);

  // Access keys. add_access_key: already_exists on a duplicate id. list_access_keys(user, "") gives
  // the user's keys; with KeyOwner::root, the account's root keys. Ordered by creation.
  Status add_access_key(const AccessKeyRecord& key);
  Result<AccessKeyRecord> get_access_key(const std::string& id);
  Result<std::vector<AccessKeyRecord>> list_access_keys(KeyOwner owner, const std::string& user_name);
  Status set_access_key_active(const std::string& id, bool active);
  Status delete_access_key(const std::string& id);

  // Roles.
  Result<IamRoleRecord> create_role(IamRoleRecord role);
  Result<IamRoleRecord> get_role(const std::string& name);
  Result<std::vector<IamRoleRecord>> list_roles();
  Status set_role_trust_policy(const std::string& name, const std::string& document);
  Status delete_role(const std::string& name);

  // Customer managed policies, found by ARN (exact) or name (ignoring case).
  Result<ManagedPolicyRecord> create_policy(ManagedPolicyRecord policy);
  Result<ManagedPolicyRecord> get_policy(const std::string& arn);
  Result<std::vector<ManagedPolicyRecord>> list_policies();
  Status delete_policy(const std::string& arn);

  // Attachments of managed policies (customer ARNs or AWS-managed ARNs, which have no row) to users and
  // roles. attach is idempotent; detach: not_found when not attached.
  Status attach_policy(PrincipalType type, const std::string& principal_name, const std::string& policy_arn);
  Status detach_policy(PrincipalType type, const std::string& principal_name, const std::string& policy_arn);
  Result<std::vector<std::string>> attached_policies(PrincipalType type, const std::string& principal_name);
  Result<int> attachment_count(const std::string& policy_arn);

  // Inline policies: put replaces a policy of the same name.
  Status put_inline_policy(const InlinePolicyRecord& policy);
  Result<InlinePolicyRecord> get_inline_policy(PrincipalType type, const std::string& principal_name,
                                               const std::string& policy_name);
  Result<std::vector<InlinePolicyRecord>> list_inline_policies(PrincipalType type, const std::string& principal_name);
  Status delete_inline_policy(PrincipalType type, const std::string& principal_name, const std::string& policy_name);

  // STS sessions. get_session finds a session whatever its expiry (the caller compares with its clock);
  // purge_expired_sessions drops those that ended before `now_epoch`.
  Status add_session(const StsSessionRecord& session);
  Result<StsSessionRecord> get_session(const std::string& access_key_id);
  Result<int> purge_expired_sessions(std::int64_t now_epoch);

 private:
  Store& store_;
};

}  // namespace borealis::store
