// The IAM handlers through the operation table, with a real Store: success and error paths, AWS's
// codes and HTTP statuses, URL-encoded documents, quotas, and junk input that must never throw.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "identity/identity_test_support.h"
#include "identity/operations.h"
#include "iam/managed_policies.h"
#include "sigv4/encoding.h"

namespace borealis::identity::testing {
namespace {

using nlohmann::json;

class IamHandlersTest : public IdentityTest {
 protected:
  void expect_error(const api::Reply& r, const std::string& code, int status) {
    ASSERT_TRUE(r.error.has_value()) << "expected " << code << ", got " << r.output.dump();
    EXPECT_EQ(r.error->code, code) << r.error->message;
    EXPECT_EQ(r.error->http_status, status) << r.error->message;
  }
  void expect_ok(const api::Reply& r) { ASSERT_FALSE(r.error.has_value()) << r.error->code << ": " << r.error->message; }
};

TEST_F(IamHandlersTest, CreateUserReturnsTheUserShape) {
  auto r = iam("CreateUser", {{"UserName", "alice"}, {"Path", "/eng/"}});
  expect_ok(r);
  const json& u = r.output["User"];
  EXPECT_EQ(u["UserName"], "alice");
  EXPECT_EQ(u["Path"], "/eng/");
  EXPECT_EQ(u["Arn"], "arn:aws:iam::123456789012:user/eng/alice");
  EXPECT_EQ(u["CreateDate"], "2026-11-28T17:30:00Z");
  const std::string id = u["UserId"];
  EXPECT_EQ(id.size(), 20u);
  EXPECT_TRUE(id.starts_with("AIDA"));

  auto got = iam("GetUser", {{"UserName", "ALICE"}});  // names are found ignoring case
  expect_ok(got);
  EXPECT_EQ(got.output["User"]["UserId"], id);
}

TEST_F(IamHandlersTest, CreateUserErrors) {
  expect_ok(iam("CreateUser", {{"UserName", "alice"}}));
  expect_error(iam("CreateUser", {{"UserName", "Alice"}}), "EntityAlreadyExists", 409);
  expect_error(iam("CreateUser", {{"UserName", "has space"}}), "ValidationError", 400);
  expect_error(iam("CreateUser", {{"UserName", std::string(65, 'a')}}), "ValidationError", 400);
  expect_error(iam("CreateUser", {{"UserName", "bob"}, {"Path", "nopath"}}), "ValidationError", 400);
  expect_error(iam("CreateUser", json::object()), "ValidationError", 400);
  auto bad = iam("CreateUser", {{"UserName", "a/b"}});
  ASSERT_TRUE(bad.error);
  EXPECT_NE(bad.error->message.find("at 'userName' failed to satisfy constraint"), std::string::npos);
}

TEST_F(IamHandlersTest, GetUserWithoutNameIsTheCaller) {
  auto [key, secret] = user_with_key("bob");
  auto self = call("iam", "GetUser", json::object(), caller_of(key));
  expect_ok(self);
  EXPECT_EQ(self.output["User"]["UserName"], "bob");
  auto as_root = call("iam", "GetUser", json::object(), root());
  expect_ok(as_root);
  EXPECT_EQ(as_root.output["User"]["Arn"], "arn:aws:iam::123456789012:root");
  expect_error(iam("GetUser", {{"UserName", "nobody"}}), "NoSuchEntity", 404);
}

TEST_F(IamHandlersTest, ListUsersPages) {
  for (const char* n : {"c", "a", "b"}) expect_ok(iam("CreateUser", {{"UserName", n}}));
  auto first = iam("ListUsers", {{"MaxItems", 2}});
  expect_ok(first);
  ASSERT_EQ(first.output["Users"].size(), 2u);
  EXPECT_EQ(first.output["Users"][0]["UserName"], "a");
  EXPECT_EQ(first.output["IsTruncated"], true);
  auto second = iam("ListUsers", {{"MaxItems", 2}, {"Marker", first.output["Marker"]}});
  expect_ok(second);
  ASSERT_EQ(second.output["Users"].size(), 1u);
  EXPECT_EQ(second.output["Users"][0]["UserName"], "c");
  EXPECT_EQ(second.output["IsTruncated"], false);
  EXPECT_FALSE(second.output.contains("Marker"));
  expect_error(iam("ListUsers", {{"Marker", "zz"}}), "ValidationError", 400);
  expect_error(iam("ListUsers", {{"MaxItems", 0}}), "ValidationError", 400);
}

TEST_F(IamHandlersTest, DeleteUserConflictsUntilKeysAndPoliciesAreGone) {
  auto [key, secret] = user_with_key("carol");
  expect_error(iam("DeleteUser", {{"UserName", "carol"}}), "DeleteConflict", 409);
  expect_ok(iam("DeleteAccessKey", {{"UserName", "carol"}, {"AccessKeyId", key}}));
  put_user_policy("carol", "p", policy_doc("Allow", "rds:Describe*"));
  expect_error(iam("DeleteUser", {{"UserName", "carol"}}), "DeleteConflict", 409);
  expect_ok(iam("DeleteUserPolicy", {{"UserName", "carol"}, {"PolicyName", "p"}}));
  expect_ok(iam("AttachUserPolicy", {{"UserName", "carol"}, {"PolicyArn", std::string(iam::kRdsDirectoryServiceAccessArn)}}));
  auto attached = iam("DeleteUser", {{"UserName", "carol"}});
  expect_error(attached, "DeleteConflict", 409);
  EXPECT_EQ(attached.error->message, "Cannot delete entity, must detach all policies first.");
  expect_ok(iam("DetachUserPolicy", {{"UserName", "carol"}, {"PolicyArn", std::string(iam::kRdsDirectoryServiceAccessArn)}}));
  expect_ok(iam("DeleteUser", {{"UserName", "carol"}}));
  expect_error(iam("DeleteUser", {{"UserName", "carol"}}), "NoSuchEntity", 404);
}

TEST_F(IamHandlersTest, AccessKeys) {
  expect_ok(iam("CreateUser", {{"UserName", "dave"}}));
  auto k1 = iam("CreateAccessKey", {{"UserName", "dave"}});
  expect_ok(k1);
  const json& key = k1.output["AccessKey"];
  EXPECT_TRUE(key["AccessKeyId"].get<std::string>().starts_with("AKIA"));
  EXPECT_EQ(key["AccessKeyId"].get<std::string>().size(), 20u);
  EXPECT_EQ(key["SecretAccessKey"].get<std::string>().size(), 40u);
  EXPECT_EQ(key["Status"], "Active");
  EXPECT_EQ(key["UserName"], "dave");
  expect_ok(iam("CreateAccessKey", {{"UserName", "dave"}}));
  expect_error(iam("CreateAccessKey", {{"UserName", "dave"}}), "LimitExceeded", 409);
  expect_error(iam("CreateAccessKey", {{"UserName", "nobody"}}), "NoSuchEntity", 404);

  auto list = iam("ListAccessKeys", {{"UserName", "dave"}});
  expect_ok(list);
  ASSERT_EQ(list.output["AccessKeyMetadata"].size(), 2u);
  EXPECT_FALSE(list.output["AccessKeyMetadata"][0].contains("SecretAccessKey"));  // the secret is shown once

  const std::string id = key["AccessKeyId"];
  expect_ok(iam("UpdateAccessKey", {{"UserName", "dave"}, {"AccessKeyId", id}, {"Status", "Inactive"}}));
  const auto after = iam("ListAccessKeys", {{"UserName", "dave"}});
  for (const auto& k : after.output["AccessKeyMetadata"])
    EXPECT_EQ(k["Status"], k["AccessKeyId"] == id ? "Inactive" : "Active");
  expect_error(iam("UpdateAccessKey", {{"UserName", "dave"}, {"AccessKeyId", id}, {"Status", "Gone"}}), "ValidationError", 400);

  // Someone else's key is not found under another user's name.
  expect_ok(iam("CreateUser", {{"UserName", "erin"}}));
  expect_error(iam("DeleteAccessKey", {{"UserName", "erin"}, {"AccessKeyId", id}}), "NoSuchEntity", 404);
  expect_error(iam("DeleteAccessKey", {{"UserName", "dave"}, {"AccessKeyId", "AKIAAAAAAAAAAAAAAAAA"}}), "NoSuchEntity", 404);
  expect_ok(iam("DeleteAccessKey", {{"UserName", "dave"}, {"AccessKeyId", id}}));
}

TEST_F(IamHandlersTest, RootAccessKeysWithoutUserName) {
  auto k = call("iam", "CreateAccessKey", json::object(), root());
  expect_ok(k);
  auto resolved = caller_of(k.output["AccessKey"]["AccessKeyId"]);
  EXPECT_EQ(resolved.kind, api::PrincipalKind::root);
  auto list = call("iam", "ListAccessKeys", json::object(), root());
  expect_ok(list);
  EXPECT_EQ(list.output["AccessKeyMetadata"].size(), 1u);
}

TEST_F(IamHandlersTest, RolesKeepTrustPoliciesUrlEncoded) {
  const std::string trust = trust_doc_service("rds.amazonaws.com");
  auto created = iam("CreateRole", {{"RoleName", "rds-ad-role"}, {"AssumeRolePolicyDocument", trust}, {"Description", "d"}});
  expect_ok(created);
  const json& role = created.output["Role"];
  EXPECT_TRUE(role["RoleId"].get<std::string>().starts_with("AROA"));
  EXPECT_EQ(role["Arn"], "arn:aws:iam::123456789012:role/rds-ad-role");
  EXPECT_EQ(role["MaxSessionDuration"], 3600);
  const std::string encoded = role["AssumeRolePolicyDocument"];
  EXPECT_EQ(encoded.find('{'), std::string::npos);
  EXPECT_EQ(sigv4::percent_decode(encoded).value_or(""), trust);

  expect_error(iam("CreateRole", {{"RoleName", "RDS-AD-ROLE"}, {"AssumeRolePolicyDocument", trust}}), "EntityAlreadyExists", 409);
  // An identity policy is no trust policy (no Principal).
  auto malformed = iam("CreateRole", {{"RoleName", "r2"}, {"AssumeRolePolicyDocument", policy_doc("Allow", "s3:*")}});
  expect_error(malformed, "MalformedPolicyDocument", 400);
  expect_error(iam("CreateRole", {{"RoleName", "r3"}, {"AssumeRolePolicyDocument", "{not json"}}), "MalformedPolicyDocument", 400);
  expect_error(iam("CreateRole", {{"RoleName", "r4"}, {"AssumeRolePolicyDocument", trust}, {"MaxSessionDuration", 60}}),
               "ValidationError", 400);

  expect_ok(iam("UpdateAssumeRolePolicy", {{"RoleName", "rds-ad-role"}, {"PolicyDocument", trust_doc_aws(kAccount)}}));
  auto got = iam("GetRole", {{"RoleName", "rds-ad-role"}});
  expect_ok(got);
  EXPECT_EQ(sigv4::percent_decode(got.output["Role"]["AssumeRolePolicyDocument"].get<std::string>()).value_or(""),
            trust_doc_aws(kAccount));
  expect_error(iam("UpdateAssumeRolePolicy", {{"RoleName", "nope"}, {"PolicyDocument", trust}}), "NoSuchEntity", 404);
  EXPECT_EQ(iam("ListRoles", json::object()).output["Roles"].size(), 1u);

  put_role_policy("rds-ad-role", "inline", policy_doc("Allow", "ds:*"));
  expect_error(iam("DeleteRole", {{"RoleName", "rds-ad-role"}}), "DeleteConflict", 409);
  expect_ok(iam("DeleteRolePolicy", {{"RoleName", "rds-ad-role"}, {"PolicyName", "inline"}}));
  expect_ok(iam("DeleteRole", {{"RoleName", "rds-ad-role"}}));
  expect_error(iam("GetRole", {{"RoleName", "rds-ad-role"}}), "NoSuchEntity", 404);
}

TEST_F(IamHandlersTest, ManagedPoliciesAndAttachments) {
  const std::string doc = policy_doc("Allow", "rds:Describe*");
  auto created = iam("CreatePolicy", {{"PolicyName", "describe"}, {"Path", "/team/"}, {"PolicyDocument", doc}});
  expect_ok(created);
  const std::string arn = created.output["Policy"]["Arn"];
  EXPECT_EQ(arn, "arn:aws:iam::123456789012:policy/team/describe");
  EXPECT_TRUE(created.output["Policy"]["PolicyId"].get<std::string>().starts_with("ANPA"));
  EXPECT_EQ(created.output["Policy"]["DefaultVersionId"], "v1");
  expect_error(iam("CreatePolicy", {{"PolicyName", "Describe"}, {"PolicyDocument", doc}}), "EntityAlreadyExists", 409);
  expect_error(iam("CreatePolicy", {{"PolicyName", "bad"}, {"PolicyDocument", trust_doc_aws(kAccount)}}),
               "MalformedPolicyDocument", 400);

  auto version = iam("GetPolicyVersion", {{"PolicyArn", arn}, {"VersionId", "v1"}});
  expect_ok(version);
  EXPECT_EQ(sigv4::percent_decode(version.output["PolicyVersion"]["Document"].get<std::string>()).value_or(""), doc);
  EXPECT_EQ(version.output["PolicyVersion"]["IsDefaultVersion"], true);
  expect_error(iam("GetPolicyVersion", {{"PolicyArn", arn}, {"VersionId", "v2"}}), "NoSuchEntity", 404);

  create_role("r", trust_doc_aws(kAccount));
  expect_ok(iam("AttachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", arn}}));
  expect_ok(iam("AttachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", arn}}));  // idempotent, as in IAM
  EXPECT_EQ(iam("GetPolicy", {{"PolicyArn", arn}}).output["Policy"]["AttachmentCount"], 1);
  auto listed = iam("ListAttachedRolePolicies", {{"RoleName", "r"}});
  expect_ok(listed);
  ASSERT_EQ(listed.output["AttachedPolicies"].size(), 1u);
  EXPECT_EQ(listed.output["AttachedPolicies"][0]["PolicyName"], "describe");
  EXPECT_EQ(iam("ListAttachedRolePolicies", {{"RoleName", "r"}, {"PathPrefix", "/other/"}}).output["AttachedPolicies"].size(), 0u);
  expect_error(iam("DeletePolicy", {{"PolicyArn", arn}}), "DeleteConflict", 409);
  expect_error(iam("AttachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", "arn:aws:iam::123456789012:policy/none"}}),
               "NoSuchEntity", 404);
  expect_error(iam("AttachRolePolicy", {{"RoleName", "nobody"}, {"PolicyArn", arn}}), "NoSuchEntity", 404);

  auto local = iam("ListPolicies", {{"Scope", "Local"}});
  ASSERT_EQ(local.output["Policies"].size(), 1u);
  auto aws = iam("ListPolicies", {{"Scope", "AWS"}});
  ASSERT_EQ(aws.output["Policies"].size(), 6u);
  std::map<std::string, json> by_arn;
  std::set<std::string> ids;
  for (const auto& p : aws.output["Policies"]) {
    by_arn[p["Arn"]] = p;
    ids.insert(p["PolicyId"].get<std::string>());
    EXPECT_EQ(p["PolicyId"].get<std::string>().size(), 21u) << p.dump();
  }
  EXPECT_EQ(ids.size(), 6u);  // AmazonRDS… policies share a prefix, not an id
  const std::string_view shipped[] = {"arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/PowerUserAccess",
                                     "arn:aws:iam::aws:policy/IAMFullAccess", "arn:aws:iam::aws:policy/IAMReadOnlyAccess",
                                     "arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess", iam::kRdsDirectoryServiceAccessArn};
  for (std::string_view arn : shipped) {
    ASSERT_TRUE(by_arn.count(std::string(arn))) << arn;
    // Every shipped document parses and comes back by GetPolicyVersion.
    auto version = iam("GetPolicyVersion", {{"PolicyArn", std::string(arn)}, {"VersionId", "v1"}});
    ASSERT_FALSE(version.error) << arn << ": " << version.error->message;
  }
  EXPECT_EQ(by_arn[std::string(iam::kRdsDirectoryServiceAccessArn)]["Path"], "/service-role/");
  EXPECT_EQ(iam("ListPolicies", {{"OnlyAttached", true}}).output["Policies"].size(), 1u);

  expect_ok(iam("DetachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", arn}}));
  expect_error(iam("DetachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", arn}}), "NoSuchEntity", 404);
  expect_ok(iam("DeletePolicy", {{"PolicyArn", arn}}));
  expect_error(iam("GetPolicy", {{"PolicyArn", arn}}), "NoSuchEntity", 404);
  expect_error(iam("DeletePolicy", {{"PolicyArn", std::string(iam::kRdsDirectoryServiceAccessArn)}}), "InvalidInput", 400);
}

TEST_F(IamHandlersTest, AtMostTenManagedPoliciesPerRole) {
  create_role("r", trust_doc_aws(kAccount));
  for (int i = 0; i < 10; ++i) {
    auto p = iam("CreatePolicy", {{"PolicyName", "p" + std::to_string(i)}, {"PolicyDocument", policy_doc("Allow", "rds:*")}});
    expect_ok(p);
    expect_ok(iam("AttachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", p.output["Policy"]["Arn"]}}));
  }
  auto p = iam("CreatePolicy", {{"PolicyName", "p10"}, {"PolicyDocument", policy_doc("Allow", "rds:*")}});
  expect_error(iam("AttachRolePolicy", {{"RoleName", "r"}, {"PolicyArn", p.output["Policy"]["Arn"]}}), "LimitExceeded", 409);
}

TEST_F(IamHandlersTest, InlinePolicies) {
  expect_ok(iam("CreateUser", {{"UserName", "frank"}}));
  const std::string doc = policy_doc("Allow", "rds:Describe*");
  put_user_policy("frank", "describe", doc);
  auto got = iam("GetUserPolicy", {{"UserName", "frank"}, {"PolicyName", "describe"}});
  expect_ok(got);
  EXPECT_EQ(got.output["UserName"], "frank");
  EXPECT_EQ(sigv4::percent_decode(got.output["PolicyDocument"].get<std::string>()).value_or(""), doc);
  EXPECT_EQ(iam("ListUserPolicies", {{"UserName", "frank"}}).output["PolicyNames"], json::array({"describe"}));
  expect_error(iam("GetUserPolicy", {{"UserName", "frank"}, {"PolicyName", "other"}}), "NoSuchEntity", 404);
  expect_error(iam("PutUserPolicy", {{"UserName", "frank"}, {"PolicyName", "x"}, {"PolicyDocument", "[]"}}),
               "MalformedPolicyDocument", 400);
  expect_error(iam("PutUserPolicy", {{"UserName", "nobody"}, {"PolicyName", "x"}, {"PolicyDocument", doc}}),
               "NoSuchEntity", 404);
  // All inline policies of a user together stay within 2,048 characters.
  std::string big = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"rds:DescribeDBClusters","Resource":[)";
  for (int i = 0; i < 45; ++i) big += std::string(i ? "," : "") + "\"arn:aws:rds:us-east-1:123456789012:cluster:c" + std::to_string(i) + "\"";
  big += "]}]}";
  auto limited = iam("PutUserPolicy", {{"UserName", "frank"}, {"PolicyName", "big"}, {"PolicyDocument", big}});
  expect_error(limited, "LimitExceeded", 409);
  EXPECT_NE(limited.error->message.find("2048"), std::string::npos);

  create_role("r", trust_doc_aws(kAccount));
  put_role_policy("r", "big", big);  // a role's quota is 10,240
  EXPECT_EQ(iam("ListRolePolicies", {{"RoleName", "r"}}).output["PolicyNames"].size(), 1u);
  expect_ok(iam("DeleteRolePolicy", {{"RoleName", "r"}, {"PolicyName", "big"}}));
  expect_error(iam("DeleteRolePolicy", {{"RoleName", "r"}, {"PolicyName", "big"}}), "NoSuchEntity", 404);
}

TEST_F(IamHandlersTest, ResourcesAreTheArnsAwsAuthorisesOn) {
  expect_ok(iam("CreateUser", {{"UserName", "gail"}, {"Path", "/ops/"}}));
  auto [key, secret] = user_with_key("hank");
  const api::Caller hank = caller_of(key);
  EXPECT_EQ(resource("iam", "GetUser", {{"UserName", "gail"}}, root()), "arn:aws:iam::123456789012:user/ops/gail");
  EXPECT_EQ(resource("iam", "CreateUser", {{"UserName", "x"}, {"Path", "/a/"}}, root()), "arn:aws:iam::123456789012:user/a/x");
  EXPECT_EQ(resource("iam", "ListAccessKeys", json::object(), hank), "arn:aws:iam::123456789012:user/hank");
  EXPECT_EQ(resource("iam", "ListUsers", json::object(), root()), "arn:aws:iam::123456789012:user/*");
  EXPECT_EQ(resource("iam", "CreateRole", {{"RoleName", "r"}}, root()), "arn:aws:iam::123456789012:role/r");
  EXPECT_EQ(resource("iam", "GetPolicy", {{"PolicyArn", "arn:aws:iam::aws:policy/X"}}, root()), "arn:aws:iam::aws:policy/X");
  EXPECT_EQ(resource("iam", "CreatePolicy", {{"PolicyName", "p"}}, root()), "arn:aws:iam::123456789012:policy/p");
  EXPECT_EQ(resource("sts", "AssumeRole", {{"RoleArn", "arn:aws:iam::123456789012:role/r"}}, root()),
            "arn:aws:iam::123456789012:role/r");
  EXPECT_EQ(resource("sts", "GetCallerIdentity", json::object(), root()), "*");
}

// Every operation, fed input of every wrong shape, answers with an error or a result — never throws.
TEST_F(IamHandlersTest, JunkInputNeverThrows) {
  expect_ok(iam("CreateUser", {{"UserName", "ivan"}}));
  create_role("r", trust_doc_aws(kAccount));
  const std::vector<json> junk = {
      json(nullptr), json(42), json("text"), json::array({1, 2}), json::object(),
      json{{"UserName", 7}, {"RoleName", json::array()}, {"PolicyArn", json::object()}, {"PolicyDocument", 3},
           {"MaxItems", "x"}, {"Marker", 5}, {"Path", false}, {"RoleArn", 1}, {"DurationSeconds", "x"}},
      json{{"UserName", "ivan"}, {"RoleName", "r"}, {"PolicyName", "p"}, {"PolicyDocument", "{\"Statement\":"},
           {"AccessKeyId", "AKIA\x01\x02"}, {"PolicyArn", "arn:"}, {"Marker", "99999999999999999999999"},
           {"RoleArn", "arn:aws:iam::123456789012:role/"}, {"RoleSessionName", "s"}, {"VersionId", ""}},
  };
  for (const auto& service : {"iam", "sts"}) {
    const auto ops = std::string(service) == "iam" ? iam_operations() : sts_operations();
    for (const auto& op : ops.operations) {
      for (const auto& input : junk) {
        EXPECT_NO_THROW({
          auto r = call(service, std::string(op.action), input, root());
          (void)r;
          (void)resource(service, std::string(op.action), input, root());
        }) << op.action << " " << input.dump();
      }
    }
  }
}

TEST_F(IamHandlersTest, TablesListEveryOperationOfTheBrief) {
  EXPECT_EQ(iam_operations().service, "iam");
  EXPECT_EQ(iam_operations().operations.size(), 32u);
  EXPECT_EQ(sts_operations().service, "sts");
  EXPECT_EQ(sts_operations().operations.size(), 2u);
  for (const auto& op : iam_operations().operations) {
    EXPECT_NE(op.handler, nullptr) << op.action;
    EXPECT_NE(op.resource, nullptr) << op.action;
  }
}

}  // namespace
}  // namespace borealis::identity::testing
