// Router tests: requests signed with sigv4::sign_headers against fake operations, a fake key
// resolver and a fake authoriser, over a real Store in a temporary directory.
#include "api/router.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <stdexcept>

#include "api/form.h"
#include "common/fs.h"
#include "sigv4/signer.h"
#include "store/store.h"

namespace borealis::api {
namespace {

using namespace std::chrono_literals;

const sigv4::Seconds kNow = sigv4::parse_amz_date("20261128T173000Z").value();

Reply describe_clusters(CallContext& context, const nlohmann::json& input) {
  nlohmann::json cluster = {{"DBClusterIdentifier", input.value("DBClusterIdentifier", "all")},
                            {"Port", 5432},
                            {"ClusterCreateTime", "2026-11-28T17:30:00Z"},
                            {"IAMDatabaseAuthenticationEnabled", true},
                            {"DBClusterArn", "arn:aws:rds:" + context.region + ":" + context.settings.account_id + ":cluster:c1"}};
  return Reply::ok({{"DBClusters", nlohmann::json::array({cluster})}});
}
Reply delete_cluster(CallContext&, const nlohmann::json& input) {
  return Reply::fail("DBClusterNotFoundFault", "DBCluster " + input.value("DBClusterIdentifier", "") + " not found.");
}
Reply throwing(CallContext&, const nlohmann::json& input) {
  return Reply::ok({{"DBCluster", {{"Port", input.at("NoSuchMember").get<int>()}}}});
}
std::string cluster_arn(const CallContext& context, const nlohmann::json& input) {
  return "arn:aws:rds:" + context.region + ":" + context.settings.account_id + ":cluster:" +
         input.value("DBClusterIdentifier", "");
}
Reply describe_vpcs(CallContext&, const nlohmann::json&) {
  return Reply::ok({{"Vpcs", nlohmann::json::array({{{"VpcId", "vpc-1"}, {"CidrBlock", "10.0.0.0/16"}, {"IsDefault", true}}})}});
}
Reply caller_identity(CallContext& context, const nlohmann::json&) {
  return Reply::ok({{"Arn", context.caller.arn}, {"Account", context.caller.account_id}, {"UserId", context.caller.user_id}});
}
Reply get_user(CallContext&, const nlohmann::json& input) {
  return Reply::fail("NoSuchEntity", "The user with name " + input.value("UserName", "") + " cannot be found.");
}
Reply describe_directories(CallContext&, const nlohmann::json& input) {
  nlohmann::json ids = input.value("DirectoryIds", nlohmann::json::array());
  return Reply::ok({{"DirectoryDescriptions",
                     nlohmann::json::array({{{"DirectoryId", ids.empty() ? "d-0000000000" : ids[0].get<std::string>()},
                                             {"LaunchTime", "2026-11-28T17:30:00Z"}}})}});
}

const Operation kRds[] = {{"DescribeDBClusters", describe_clusters, nullptr},
                          {"DeleteDBCluster", delete_cluster, cluster_arn},
                          {"ModifyDBCluster", throwing, nullptr}};
const Operation kEc2[] = {{"DescribeVpcs", describe_vpcs, nullptr}};
const Operation kSts[] = {{"GetCallerIdentity", caller_identity, nullptr}};
const Operation kIam[] = {{"GetUser", get_user, nullptr}};
const Operation kDs[] = {{"DescribeDirectories", describe_directories, nullptr}};

struct Key {
  std::string secret;
  Caller caller;
  std::optional<std::string> token;
  std::optional<sigv4::Seconds> expires;
};

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/borealis-api-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto s = store::Store::open(dir_ + "/borealis.db");
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_.emplace(std::move(*s));
    settings_.account_id = "123456789012";
    settings_.regions = {"us-east-1", "eu-west-1"};
    settings_.sts_inactive_regions = {"eu-west-1"};

    Caller root{PrincipalKind::root, "123456789012", "arn:aws:iam::123456789012:root", "123456789012", "", "", "AKIAROOT00000000", false, ""};
    Caller alice{PrincipalKind::user, "123456789012", "arn:aws:iam::123456789012:user/alice", "AIDAALICE", "alice", "", "AKIAALICE0000000", false, ""};
    Caller session{PrincipalKind::assumed_role, "123456789012", "arn:aws:sts::123456789012:assumed-role/ops/s1",
                   "AROAOPS:s1", "ops", "s1", "ASIATEMP00000000", true, "2026-11-28T17:00:00Z"};
    keys_["AKIAROOT00000000"] = {"rootsecret", root, std::nullopt, std::nullopt};
    keys_["AKIAALICE0000000"] = {"alicesecret", alice, std::nullopt, std::nullopt};
    keys_["ASIATEMP00000000"] = {"tempsecret", session, "session-token", kNow + 1h};
    keys_["ASIAOLD000000000"] = {"oldsecret", session, "old-token", kNow - 1min};

    RouterOptions options;
    options.settings = &settings_;
    options.store = &*store_;
    options.services = {{"rds", kRds}, {"ec2", kEc2}, {"sts", kSts}, {"iam", kIam}, {"ds", kDs}};
    options.resolve_key = [this](std::string_view id, std::optional<std::string_view>) -> std::optional<ResolvedKey> {
      auto it = keys_.find(std::string(id));
      if (it == keys_.end()) return std::nullopt;
      ResolvedKey k;
      k.credentials.secret_access_key = Secret(it->second.secret);
      k.credentials.principal = it->second.caller.arn;
      if (it->second.token) k.credentials.session_token = Secret(*it->second.token);
      k.credentials.expires_at = it->second.expires;
      k.caller = it->second.caller;
      return k;
    };
    options.authorize = [this](const Caller&, const iam::RequestContext& request) {
      last_request_ = request;
      iam::Evaluation e;
      if (request.action == "rds:DeleteDBCluster") e.decision = iam::Decision::explicit_deny;
      else if (allow_) e.decision = iam::Decision::allow;
      return e;
    };
    options.now = [this] { return std::chrono::system_clock::time_point(clock_); };
    router_.emplace(std::move(options));
  }
  void TearDown() override {
    router_.reset();
    store_.reset();
    (void)fs::remove_tree(dir_);
  }

  // A request as botocore sends it, signed with `key_id`'s secret (or `secret` when given).
  http::Request query(const std::string& service, const std::vector<FormParam>& params, const std::string& key_id,
                      const std::string& region = "us-east-1", sigv4::Seconds at = kNow) {
    return sign("POST", service, encode_form(params), "application/x-www-form-urlencoded; charset=utf-8", "",
                key_id, region, at);
  }
  http::Request json(const std::string& target, const std::string& body, const std::string& key_id) {
    return sign("POST", "ds", body, "application/x-amz-json-1.1", "DirectoryService_20150416." + target, key_id,
                "us-east-1", kNow);
  }
  http::Request sign(const std::string& method, const std::string& service, const std::string& body,
                     const std::string& content_type, const std::string& target, const std::string& key_id,
                     const std::string& region, sigv4::Seconds at) {
    http::Request r;
    r.method = method;
    r.target = "/";
    r.path = "/";
    r.body = body;
    r.headers = {{"Host", "127.0.0.1:8443"}, {"Content-Type", content_type}};
    if (!target.empty()) r.headers.push_back({"X-Amz-Target", target});
    std::vector<sigv4::Header> view_headers;
    for (const auto& h : r.headers) view_headers.push_back({h.name, h.value});
    sigv4::HttpRequestView view{r.method, r.path, r.query, view_headers, r.body};
    sigv4::SigningCredentials creds;
    creds.access_key_id = key_id;
    auto it = keys_.find(key_id);
    creds.secret_access_key = Secret(it != keys_.end() ? it->second.secret : "whatever");
    if (it != keys_.end() && it->second.token) creds.session_token = Secret(token_override_.value_or(*it->second.token));
    auto signed_headers = sigv4::sign_headers(view, creds, region, service, at);
    EXPECT_TRUE(signed_headers.ok());
    for (auto& [name, value] : signed_headers->headers) r.headers.push_back({name, value});
    return r;
  }
  http::Response call(const http::Request& r) { return router_->handle(r, "127.0.0.1"); }

  static std::string header(const http::Response& r, std::string_view name) {
    for (const auto& h : r.headers)
      if (h.name == name) return h.value;
    return "";
  }
  static std::string xml_code(const http::Response& r) {
    std::smatch m;
    return std::regex_search(r.body, m, std::regex("<Code>([^<]*)</Code>")) ? m[1].str() : "";
  }

  std::string dir_;
  std::optional<store::Store> store_;
  ApiSettings settings_;
  std::map<std::string, Key> keys_;
  std::optional<std::string> token_override_;
  std::optional<iam::RequestContext> last_request_;
  bool allow_ = true;
  sigv4::Seconds clock_ = kNow;
  std::optional<Router> router_;
};

const std::vector<FormParam> kDescribe = {{"Action", "DescribeDBClusters"}, {"Version", "2014-10-31"},
                                          {"DBClusterIdentifier", "c1"}};

TEST_F(RouterTest, GoodSignatureReachesTheHandlerAndSerialisesXml) {
  auto r = call(query("rds", kDescribe, "AKIAROOT00000000"));
  ASSERT_EQ(r.status, 200) << r.body;
  std::string id = header(r, "x-amzn-RequestId");
  EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"))) << id;
  EXPECT_NE(r.body.find("<DescribeDBClustersResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">"), std::string::npos);
  EXPECT_NE(r.body.find("<DBClusters><DBCluster>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<DBClusterIdentifier>c1</DBClusterIdentifier>"), std::string::npos);
  EXPECT_NE(r.body.find("<IAMDatabaseAuthenticationEnabled>true</IAMDatabaseAuthenticationEnabled>"), std::string::npos);
  EXPECT_NE(r.body.find("<RequestId>" + id + "</RequestId>"), std::string::npos);
  EXPECT_EQ(header(r, "Content-Type"), "text/xml");
  EXPECT_FALSE(last_request_.has_value()) << "root is not authorised through IAM";
}

TEST_F(RouterTest, TamperedBodyIsSignatureDoesNotMatch) {
  auto req = query("rds", kDescribe, "AKIAROOT00000000");
  req.body += "&Marker=x";
  auto r = call(req);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(xml_code(r), "SignatureDoesNotMatch");
  EXPECT_NE(r.body.find("<Type>Sender</Type>"), std::string::npos);
}

TEST_F(RouterTest, ClockSkewBeyondFiveMinutes) {
  auto r = call(query("rds", kDescribe, "AKIAROOT00000000", "us-east-1", kNow - 6min));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(xml_code(r), "SignatureDoesNotMatch");
  EXPECT_NE(r.body.find("Signature expired: 20261128T172400Z is now earlier than 20261128T172500Z"), std::string::npos) << r.body;
  auto ok = call(query("rds", kDescribe, "AKIAROOT00000000", "us-east-1", kNow - 4min));
  EXPECT_EQ(ok.status, 200);
  auto future = call(query("rds", kDescribe, "AKIAROOT00000000", "us-east-1", kNow + 6min));
  EXPECT_EQ(xml_code(future), "SignatureDoesNotMatch");
  auto ec2 = call(query("ec2", {{"Action", "DescribeVpcs"}, {"Version", "2016-11-15"}}, "AKIAROOT00000000", "us-east-1",
                        kNow - 6min));
  EXPECT_EQ(ec2.status, 400);
  EXPECT_EQ(xml_code(ec2), "RequestExpired");
  EXPECT_NE(ec2.body.find("<Response><Errors><Error>"), std::string::npos);
}

TEST_F(RouterTest, UnknownKeyIsInvalidClientTokenId) {
  auto r = call(query("rds", kDescribe, "AKIANOBODY000000"));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(xml_code(r), "InvalidClientTokenId");
}

TEST_F(RouterTest, SessionTokenMustMatchAndNotBeExpired) {
  auto good = call(query("sts", {{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}}, "ASIATEMP00000000"));
  ASSERT_EQ(good.status, 200) << good.body;
  EXPECT_NE(good.body.find("<Arn>arn:aws:sts::123456789012:assumed-role/ops/s1</Arn>"), std::string::npos);
  token_override_ = "forged-token";
  auto bad = call(query("sts", {{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}}, "ASIATEMP00000000"));
  EXPECT_EQ(bad.status, 403);
  EXPECT_EQ(xml_code(bad), "InvalidClientTokenId");
  EXPECT_EQ(bad.body.find("forged-token"), std::string::npos);
  token_override_.reset();
  auto old = call(query("sts", {{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}}, "ASIAOLD000000000"));
  EXPECT_EQ(old.status, 403);
  EXPECT_EQ(xml_code(old), "ExpiredToken");
}

TEST_F(RouterTest, MissingAuthorization) {
  auto req = query("rds", kDescribe, "AKIAROOT00000000");
  std::erase_if(req.headers, [](const http::Header& h) { return h.name == "Authorization"; });
  auto r = call(req);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(xml_code(r), "MissingAuthenticationToken");
}

TEST_F(RouterTest, RegionAndServiceMustBeServed) {
  auto r = call(query("rds", kDescribe, "AKIAROOT00000000", "ap-south-1"));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("ap-south-1"), std::string::npos);
  auto s3 = call(query("s3", kDescribe, "AKIAROOT00000000"));
  EXPECT_EQ(s3.status, 403);
  EXPECT_EQ(xml_code(s3), "SignatureDoesNotMatch");
  auto sts = call(query("sts", {{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}}, "AKIAROOT00000000", "eu-west-1"));
  EXPECT_EQ(sts.status, 403);
  EXPECT_EQ(xml_code(sts), "RegionDisabledException");
}

TEST_F(RouterTest, UserIsAuthorisedWithContextKeys) {
  auto r = call(query("rds", kDescribe, "AKIAALICE0000000"));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(last_request_.has_value());
  EXPECT_EQ(last_request_->action, "rds:DescribeDBClusters");
  EXPECT_EQ(last_request_->resource, "*");
  auto key = [&](std::string_view k) {
    const auto* v = last_request_->keys.find(k);
    return v == nullptr || v->empty() ? std::string("<absent>") : v->front();
  };
  EXPECT_EQ(key("aws:username"), "alice");
  EXPECT_EQ(key("aws:userid"), "AIDAALICE");
  EXPECT_EQ(key("aws:PrincipalArn"), "arn:aws:iam::123456789012:user/alice");
  EXPECT_EQ(key("aws:PrincipalAccount"), "123456789012");
  EXPECT_EQ(key("aws:PrincipalType"), "User");
  EXPECT_EQ(key("aws:CurrentTime"), "2026-11-28T17:30:00Z");
  EXPECT_EQ(key("aws:EpochTime"), std::to_string(kNow.time_since_epoch().count()));
  EXPECT_EQ(key("aws:SourceIp"), "127.0.0.1");
  EXPECT_EQ(key("aws:SecureTransport"), "false");
  EXPECT_EQ(key("aws:RequestedRegion"), "us-east-1");
  EXPECT_EQ(key("aws:TokenIssueTime"), "<absent>");

  auto session = call(query("rds", kDescribe, "ASIATEMP00000000"));
  ASSERT_EQ(session.status, 200);
  EXPECT_EQ(key("aws:PrincipalType"), "AssumedRole");
  EXPECT_EQ(key("aws:username"), "<absent>");
  EXPECT_EQ(key("aws:TokenIssueTime"), "2026-11-28T17:00:00Z");
}

TEST_F(RouterTest, DeniedAnswersLikeEachService) {
  auto explicit_deny = call(query("rds", {{"Action", "DeleteDBCluster"}, {"Version", "2014-10-31"}, {"DBClusterIdentifier", "c1"}},
                                  "AKIAALICE0000000"));
  EXPECT_EQ(explicit_deny.status, 403);
  EXPECT_EQ(xml_code(explicit_deny), "AccessDenied");
  EXPECT_NE(explicit_deny.body.find("User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
                                    "rds:DeleteDBCluster on resource: arn:aws:rds:us-east-1:123456789012:cluster:c1 "
                                    "with an explicit deny in an identity-based policy"),
            std::string::npos)
      << explicit_deny.body;
  allow_ = false;
  auto implicit = call(query("rds", kDescribe, "AKIAALICE0000000"));
  EXPECT_EQ(xml_code(implicit), "AccessDenied");
  EXPECT_NE(implicit.body.find("because no identity-based policy allows the rds:DescribeDBClusters action"), std::string::npos);
  auto ec2 = call(query("ec2", {{"Action", "DescribeVpcs"}, {"Version", "2016-11-15"}}, "AKIAALICE0000000"));
  EXPECT_EQ(ec2.status, 403);
  EXPECT_EQ(xml_code(ec2), "UnauthorizedOperation");
  auto ds = call(json("DescribeDirectories", "{}", "AKIAALICE0000000"));
  EXPECT_EQ(ds.status, 400);
  EXPECT_EQ(header(ds, "x-amzn-ErrorType"), "AccessDeniedException");
  auto body = nlohmann::json::parse(ds.body);
  EXPECT_EQ(body["__type"], "AccessDeniedException");
  EXPECT_EQ(last_request_->action, "ds:DescribeDirectories");
}

TEST_F(RouterTest, UnknownAndMissingAction) {
  auto unknown = call(query("rds", {{"Action", "CreateDBSnapshot"}, {"Version", "2014-10-31"}}, "AKIAROOT00000000"));
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(xml_code(unknown), "InvalidAction");
  auto missing = call(query("rds", {{"Version", "2014-10-31"}}, "AKIAROOT00000000"));
  EXPECT_EQ(xml_code(missing), "MissingAction");
  auto version = call(query("rds", {{"Action", "DescribeDBClusters"}, {"Version", "2013-01-10"}}, "AKIAROOT00000000"));
  EXPECT_EQ(xml_code(version), "InvalidParameterValue");
  auto ds = call(json("CreateTrust", "{}", "AKIAROOT00000000"));
  EXPECT_EQ(header(ds, "x-amzn-ErrorType"), "UnknownOperationException");
}

TEST_F(RouterTest, MalformedBodies) {
  auto req = sign("POST", "rds", "Action=DescribeDBClusters&Version=2014-10-31&X=%zz", "application/x-www-form-urlencoded",
                  "", "AKIAROOT00000000", "us-east-1", kNow);
  auto r = call(req);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(xml_code(r), "MalformedQueryString");
  auto bad_int = call(query("rds", {{"Action", "DescribeDBClusters"}, {"Version", "2014-10-31"}, {"MaxRecords", "lots"}},
                            "AKIAROOT00000000"));
  EXPECT_EQ(xml_code(bad_int), "InvalidParameterValue");
  EXPECT_NE(bad_int.body.find("MaxRecords"), std::string::npos);
  auto ds = call(json("DescribeDirectories", "{\"DirectoryIds\": [", "AKIAROOT00000000"));
  EXPECT_EQ(ds.status, 400);
  EXPECT_EQ(header(ds, "x-amzn-ErrorType"), "SerializationException");
  auto ds_type = call(json("DescribeDirectories", "{\"Limit\": \"ten\"}", "AKIAROOT00000000"));
  EXPECT_EQ(header(ds_type, "x-amzn-ErrorType"), "SerializationException");
  auto ec2 = call(query("ec2", {{"Action", "DescribeVpcs"}, {"Version", "2016-11-15"}, {"VpcIds.1", "vpc-1"}},
                        "AKIAROOT00000000"));
  EXPECT_EQ(xml_code(ec2), "UnknownParameter") << "ec2 lists are VpcId.N, not VpcIds.N";
}

TEST_F(RouterTest, HandlerErrorsTakeTheModelsStatus) {
  auto r = call(query("rds", {{"Action", "DeleteDBCluster"}, {"Version", "2014-10-31"}, {"DBClusterIdentifier", "c9"}},
                      "AKIAROOT00000000"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(xml_code(r), "DBClusterNotFoundFault");
  EXPECT_NE(r.body.find("<ErrorResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">"), std::string::npos);
  auto iam = call(query("iam", {{"Action", "GetUser"}, {"Version", "2010-05-08"}, {"UserName", "bob"}}, "AKIAROOT00000000"));
  EXPECT_EQ(iam.status, 404);
  EXPECT_EQ(xml_code(iam), "NoSuchEntity");
  auto thrown = call(query("rds", {{"Action", "ModifyDBCluster"}, {"Version", "2014-10-31"}, {"DBClusterIdentifier", "c1"}},
                           "AKIAROOT00000000"));
  EXPECT_EQ(thrown.status, 500);
  EXPECT_EQ(xml_code(thrown), "InternalFailure");
  EXPECT_NE(thrown.body.find("<Type>Receiver</Type>"), std::string::npos);
}

TEST_F(RouterTest, JsonProtocolRoundTrip) {
  auto r = call(json("DescribeDirectories", "{\"DirectoryIds\": [\"d-1234567890\"]}", "AKIAROOT00000000"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header(r, "Content-Type"), "application/x-amz-json-1.1");
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["DirectoryDescriptions"][0]["DirectoryId"], "d-1234567890");
  EXPECT_EQ(body["DirectoryDescriptions"][0]["LaunchTime"], 1795887000) << "json timestamps are epoch seconds";
}

}  // namespace
}  // namespace borealis::api
