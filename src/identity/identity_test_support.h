// Test fixture for the identity component: a real Store in a temp dir, the account's ApiSettings, and
// calls into the IAM/STS operation tables through a CallContext, as the router makes them.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/operation.h"
#include "store/store.h"

namespace borealis::identity::testing {

inline constexpr const char* kAccount = "123456789012";

class IdentityTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Calls `action` of "iam" or "sts" as `caller` at `now`, in `region`.
  api::Reply call(const std::string& service, const std::string& action, const nlohmann::json& input,
                  const api::Caller& caller);
  api::Reply iam(const std::string& action, const nlohmann::json& input) { return call("iam", action, input, root()); }
  // The Operation::resource ARN of `action` for `input` as `caller`.
  std::string resource(const std::string& service, const std::string& action, const nlohmann::json& input,
                       const api::Caller& caller);

  api::Caller root() const;
  // Creates `name` (as root) with one access key; returns {key id, secret}.
  std::pair<std::string, std::string> user_with_key(const std::string& name);
  // The caller an access key resolves to (fails the test if it does not).
  api::Caller caller_of(const std::string& access_key_id);
  // Puts an inline identity policy on a user or role (as root), expecting success.
  void put_user_policy(const std::string& user, const std::string& name, const std::string& document);
  void put_role_policy(const std::string& role, const std::string& name, const std::string& document);
  void create_role(const std::string& name, const std::string& trust_document, int max_session = 3600);

  std::string dir_;
  std::optional<store::Store> store_;
  api::ApiSettings settings_;
  std::string region_ = "us-east-1";
  std::chrono::system_clock::time_point now_;
};

// {"Version":"2012-10-17","Statement":[{"Effect":effect,"Action":action,"Resource":resource}]}
std::string policy_doc(const std::string& effect, const std::string& action, const std::string& resource = "*");
// A trust policy allowing sts:AssumeRole to an AWS principal (an ARN or account id) or a service.
std::string trust_doc_aws(const std::string& principal);
std::string trust_doc_service(const std::string& service);

}  // namespace borealis::identity::testing
