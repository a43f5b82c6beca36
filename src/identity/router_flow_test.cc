// The identity component behind the real api::Router: requests signed with sigv4 as botocore signs
// them, keys resolved by resolve_access_key, calls authorised by authorize, IAM and STS served from
// the operation tables (rds is a stand-in). Covers what the aws CLI walkthrough does end to end.
#include <gtest/gtest.h>

#include <regex>

#include "api/form.h"
#include "api/router.h"
#include "identity/account.h"
#include "identity/authorize.h"
#include "identity/identity_test_support.h"
#include "identity/operations.h"
#include "identity/resolve.h"
#include "sigv4/encoding.h"
#include "sigv4/signer.h"

namespace borealis::identity::testing {
namespace {

using api::FormParam;

api::Reply describe_clusters(api::CallContext&, const nlohmann::json&) {
  return api::Reply::ok({{"DBClusters", nlohmann::json::array()}});
}
api::Reply create_cluster(api::CallContext&, const nlohmann::json& input) {
  return api::Reply::ok({{"DBCluster", {{"DBClusterIdentifier", input.value("DBClusterIdentifier", "")}}}});
}
const api::Operation kRds[] = {{"DescribeDBClusters", describe_clusters, nullptr},
                               {"CreateDBCluster", create_cluster, nullptr}};

struct Keys {
  std::string id;
  std::string secret;
  std::optional<std::string> token;
};

class RouterFlowTest : public IdentityTest {
 protected:
  void SetUp() override {
    IdentityTest::SetUp();
    auto account = ensure_account(*store_, dir_, settings_.endpoint_url, "us-east-1");
    ASSERT_TRUE(account.ok()) << account.error().message;
    settings_.account_id = account->account_id;
    auto credentials = fs_read(account->credentials_path);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(credentials, m, std::regex("aws_secret_access_key = (\\S+)")));
    root_ = Keys{account->root_access_key_id, m[1].str(), std::nullopt};

    api::RouterOptions options;
    options.settings = &settings_;
    options.store = &*store_;
    options.services = {{"rds", kRds}, iam_operations(), sts_operations()};
    options.resolve_key = [this](std::string_view id, std::optional<std::string_view>) {
      return resolve_access_key(*store_, settings_, id);
    };
    options.authorize = [this](const api::Caller& c, const iam::RequestContext& r) { return authorize(*store_, c, r); };
    options.now = [this] { return now_; };
    router_.emplace(std::move(options));
  }
  void TearDown() override {
    router_.reset();
    IdentityTest::TearDown();
  }
  static std::string fs_read(const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "r");
    std::string out;
    if (f == nullptr) return out;
    char buf[512];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
    std::fclose(f);
    return out;
  }

  // A query-protocol call: params[0] is {"", Action}; the service's API version is added.
  http::Response query(const std::string& service, const std::string& version, std::vector<FormParam> params,
                       const Keys& keys, std::optional<std::string> token_override = std::nullopt) {
    params[0] = {"Action", params[0].value};
    params.insert(params.begin() + 1, {"Version", version});
    http::Request r;
    r.method = "POST";
    r.target = r.path = "/";
    r.body = api::encode_form(params);
    r.headers = {{"Host", "127.0.0.1:4566"}, {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    std::vector<sigv4::Header> view_headers;
    for (const auto& h : r.headers) view_headers.push_back({h.name, h.value});
    sigv4::HttpRequestView view{r.method, r.path, r.query, view_headers, r.body};
    sigv4::SigningCredentials creds;
    creds.access_key_id = keys.id;
    creds.secret_access_key = Secret(keys.secret);
    if (token_override) creds.session_token = Secret(*token_override);
    else if (keys.token) creds.session_token = Secret(*keys.token);
    auto signed_headers = sigv4::sign_headers(view, creds, "us-east-1", service, std::chrono::time_point_cast<std::chrono::seconds>(now_));
    EXPECT_TRUE(signed_headers.ok());
    for (auto& [name, value] : signed_headers->headers) r.headers.push_back({name, value});
    return router_->handle(r, "127.0.0.1");
  }
  http::Response iam_call(const std::string& action, std::vector<FormParam> params, const Keys& keys) {
    params.insert(params.begin(), {"", action});
    return query("iam", "2010-05-08", std::move(params), keys);
  }
  static std::string xml(const http::Response& r, const std::string& element) {
    std::smatch m;
    return std::regex_search(r.body, m, std::regex("<" + element + ">([^<]*)</" + element + ">")) ? m[1].str() : "";
  }

  Keys root_;
  std::optional<api::Router> router_;
};

TEST_F(RouterFlowTest, DescribeOnlyUserAndDenyWins) {
  ASSERT_EQ(iam_call("CreateUser", {{"UserName", "reader"}}, root_).status, 200);
  auto key = iam_call("CreateAccessKey", {{"UserName", "reader"}}, root_);
  ASSERT_EQ(key.status, 200) << key.body;
  const Keys reader{xml(key, "AccessKeyId"), xml(key, "SecretAccessKey"), std::nullopt};
  ASSERT_EQ(reader.secret.size(), 40u) << key.body;

  auto put = iam_call("PutUserPolicy", {{"UserName", "reader"}, {"PolicyName", "describe"},
                                        {"PolicyDocument", policy_doc("Allow", "rds:Describe*")}}, root_);
  ASSERT_EQ(put.status, 200) << put.body;
  auto describe = query("rds", "2014-10-31", {{"", "DescribeDBClusters"}}, reader);
  EXPECT_EQ(describe.status, 200) << describe.body;
  auto create = query("rds", "2014-10-31", {{"", "CreateDBCluster"}, {"DBClusterIdentifier", "c1"}, {"Engine", "aurora-postgresql"}}, reader);
  EXPECT_EQ(create.status, 403) << create.body;
  EXPECT_EQ(xml(create, "Code"), "AccessDenied");

  ASSERT_EQ(iam_call("PutUserPolicy", {{"UserName", "reader"}, {"PolicyName", "deny"},
                                       {"PolicyDocument", policy_doc("Deny", "rds:DescribeDBClusters")}}, root_).status, 200);
  EXPECT_EQ(query("rds", "2014-10-31", {{"", "DescribeDBClusters"}}, reader).status, 403);

  // The user's document comes back URL-encoded, as IAM sends it.
  auto got = iam_call("GetUserPolicy", {{"UserName", "reader"}, {"PolicyName", "describe"}}, root_);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(sigv4::percent_decode(xml(got, "PolicyDocument")).value_or(""), policy_doc("Allow", "rds:Describe*"));
}

TEST_F(RouterFlowTest, AssumedRoleCredentialsWorkWithTheirTokenOnly) {
  ASSERT_EQ(iam_call("CreateRole", {{"RoleName", "ops"}, {"AssumeRolePolicyDocument", trust_doc_aws(settings_.account_id)}},
                     root_).status, 200);
  ASSERT_EQ(iam_call("PutRolePolicy", {{"RoleName", "ops"}, {"PolicyName", "describe"},
                                       {"PolicyDocument", policy_doc("Allow", "rds:Describe*")}}, root_).status, 200);
  const std::string role_arn = "arn:aws:iam::" + settings_.account_id + ":role/ops";
  auto assumed = query("sts", "2011-06-15", {{"", "AssumeRole"}, {"RoleArn", role_arn}, {"RoleSessionName", "s1"}}, root_);
  ASSERT_EQ(assumed.status, 200) << assumed.body;
  const Keys session{xml(assumed, "AccessKeyId"), xml(assumed, "SecretAccessKey"), xml(assumed, "SessionToken")};
  ASSERT_TRUE(session.id.starts_with("ASIA"));

  auto who = query("sts", "2011-06-15", {{"", "GetCallerIdentity"}}, session);
  ASSERT_EQ(who.status, 200) << who.body;
  EXPECT_EQ(xml(who, "Arn"), "arn:aws:sts::" + settings_.account_id + ":assumed-role/ops/s1");
  EXPECT_EQ(query("rds", "2014-10-31", {{"", "DescribeDBClusters"}}, session).status, 200);
  EXPECT_EQ(query("rds", "2014-10-31", {{"", "CreateDBCluster"}, {"DBClusterIdentifier", "c1"}, {"Engine", "aurora-postgresql"}},
                  session).status, 403);

  auto wrong = query("rds", "2014-10-31", {{"", "DescribeDBClusters"}}, session, std::string("forged-token"));
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(xml(wrong, "Code"), "InvalidClientTokenId");
  Keys no_token = session;
  no_token.token.reset();
  EXPECT_EQ(query("rds", "2014-10-31", {{"", "DescribeDBClusters"}}, no_token).status, 403);

  now_ += std::chrono::hours(2);  // past the default hour
  auto expired = query("rds", "2014-10-31", {{"", "DescribeDBClusters"}}, session);
  EXPECT_EQ(expired.status, 403) << expired.body;
  EXPECT_EQ(xml(expired, "Code"), "ExpiredToken");
  EXPECT_EQ(xml(expired, "Message"), "The security token included in the request is expired");
  // Only the holder of the session token learns that the key expired.
  auto forged_late = query("rds", "2014-10-31", {{"", "DescribeDBClusters"}}, session, std::string("forged-token"));
  EXPECT_EQ(xml(forged_late, "Code"), "InvalidClientTokenId");
  EXPECT_EQ(xml(query("rds", "2014-10-31", {{"", "DescribeDBClusters"}}, no_token), "Code"), "InvalidClientTokenId");

  // A day after expiry a new AssumeRole purges the row: the key is then unknown, as any other.
  now_ += std::chrono::hours(23);
  ASSERT_EQ(query("sts", "2011-06-15", {{"", "AssumeRole"}, {"RoleArn", role_arn}, {"RoleSessionName", "s2"}}, root_).status, 200);
  EXPECT_EQ(xml(query("rds", "2014-10-31", {{"", "DescribeDBClusters"}}, session), "Code"), "ExpiredToken");
  now_ += std::chrono::hours(1);
  ASSERT_EQ(query("sts", "2011-06-15", {{"", "AssumeRole"}, {"RoleArn", role_arn}, {"RoleSessionName", "s3"}}, root_).status, 200);
  EXPECT_EQ(xml(query("rds", "2014-10-31", {{"", "DescribeDBClusters"}}, session), "Code"), "InvalidClientTokenId");
}

}  // namespace
}  // namespace borealis::identity::testing
