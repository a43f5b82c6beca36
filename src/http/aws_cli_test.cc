// The real /usr/bin/aws (Debian's awscli 2.9.19, botocore's HTTP client) against http::Server with
// canned AWS responses: what the CLI sends arrives whole (signed headers, form or JSON body), and what
// the server writes back (status, headers, Content-Length framing, keep-alive) is what the CLI parses.
// Labelled "integration"; skipped when /usr/bin/aws is not installed. The keys are made-up test values,
// passed to the child process's environment only.
#include <gtest/gtest.h>

#include <unistd.h>

#include <array>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "http/request_parser.h"
#include "http/server.h"

namespace borealis::http {
namespace {

constexpr const char* kAws = "/usr/bin/aws";

struct CliRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

CliRun run_aws(int port, const std::string& args) {
  std::string command =
      "env -i PATH=/usr/bin:/bin HOME=/nonexistent AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null "
      "AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=AKIDBOREALISHTTPTEST AWS_SECRET_ACCESS_KEY=httpTestSecret "
      "AWS_DEFAULT_REGION=us-east-1 AWS_MAX_ATTEMPTS=1 AWS_PAGER= " +
      std::string(kAws) + " --endpoint-url http://127.0.0.1:" + std::to_string(port) + " " + args + " 2>&1";
  CliRun run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) run.output.append(buf.data(), n);
  int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

Response xml(int status, std::string body) {
  Response r;
  r.status = status;
  r.headers.push_back({"Content-Type", "text/xml"});
  r.headers.push_back({"x-amzn-RequestId", "01234567-89ab-cdef-0123-456789abcdef"});
  r.body = std::move(body);
  return r;
}

// Answers by action (query protocol) or X-Amz-Target (json-1.1), and records what it received.
class CannedApi {
 public:
  Response operator()(const Request& req, const Peer&) {
    std::lock_guard lock(mu_);
    seen_.push_back(req);
    const std::string* target = req.header("X-Amz-Target");
    if (target != nullptr && *target == "DirectoryService_20150416.DescribeDirectories") {
      Response r;
      r.headers.push_back({"Content-Type", "application/x-amz-json-1.1"});
      r.body = R"({"DirectoryDescriptions":[{"DirectoryId":"d-1234567890","Name":"corp.example.com"}]})";
      return r;
    }
    if (req.body.find("Action=GetCallerIdentity") != std::string::npos) {
      return xml(200,
                 "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                 "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/alice</Arn>"
                 "<UserId>AIDAEXAMPLEUSERID0001</UserId><Account>123456789012</Account></GetCallerIdentityResult>"
                 "<ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>"
                 "</GetCallerIdentityResponse>");
    }
    if (req.body.find("Action=PutRolePolicy") != std::string::npos) {
      return xml(200,
                 "<PutRolePolicyResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ResponseMetadata>"
                 "<RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>"
                 "</PutRolePolicyResponse>");
    }
    return xml(403,
               "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type>"
               "<Code>AccessDenied</Code><Message>not in the canned API</Message></Error>"
               "<RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ErrorResponse>");
  }

  std::vector<Request> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  std::mutex mu_;
  std::vector<Request> seen_;
};

class AwsCliHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kAws, X_OK) != 0) GTEST_SKIP() << kAws << " is not installed";
    auto s = Server::listen("127.0.0.1", 0);
    ASSERT_TRUE(s.ok()) << s.error().message;
    server_.emplace(std::move(s).value());
    ASSERT_TRUE(server_->start([this](const Request& r, const Peer& p) { return api_(r, p); }).ok());
  }
  int port() const { return server_->port(); }

  // Runs the CLI, expects success, and returns the one request the server received (an empty one,
  // after a failed expectation, when there was not exactly one).
  Request one_successful_call(const std::string& args, const char* want_output = nullptr) {
    CliRun run = run_aws(port(), args);
    EXPECT_EQ(run.exit_code, 0) << run.output;
    if (want_output != nullptr) {
      EXPECT_EQ(run.output, want_output);
    }
    auto seen = api_.seen();
    EXPECT_EQ(seen.size(), 1u);
    return seen.size() == 1 ? seen[0] : Request{};
  }

  CannedApi api_;
  std::optional<Server> server_;
};

TEST_F(AwsCliHttpTest, QueryProtocolRoundTrip) {
  Request seen = one_successful_call("sts get-caller-identity --output text --query Account", "123456789012\n");
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.path, "/");
  EXPECT_EQ(seen.body, "Action=GetCallerIdentity&Version=2011-06-15");
  const std::string* auth = seen.header("Authorization");
  ASSERT_NE(auth, nullptr);
  EXPECT_EQ(auth->rfind("AWS4-HMAC-SHA256 Credential=AKIDBOREALISHTTPTEST/", 0), 0u);
  EXPECT_NE(seen.header("X-Amz-Date"), nullptr);
  const std::string* host = seen.header("Host");
  ASSERT_NE(host, nullptr);
  EXPECT_EQ(*host, "127.0.0.1:" + std::to_string(port()));
}

TEST_F(AwsCliHttpTest, JsonProtocolRoundTrip) {
  Request seen = one_successful_call("ds describe-directories --output text --query DirectoryDescriptions[0].Name",
                                     "corp.example.com\n");
  EXPECT_EQ(seen.body, "{}");
  const std::string* content_type = seen.header("Content-Type");
  ASSERT_NE(content_type, nullptr);
  EXPECT_EQ(*content_type, "application/x-amz-json-1.1");
}

TEST_F(AwsCliHttpTest, LargePolicyDocumentArrivesWhole) {
  // A 10 KiB policy document (IAM's inline-policy limit), form-encoded by the CLI.
  std::string resources;
  while (resources.size() < 10'000) resources += "\"arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-ABC/u\",";
  resources.pop_back();
  std::string policy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"rds-db:connect","Resource":[)" +
                       resources + "]}]}";
  Request seen = one_successful_call("iam put-role-policy --role-name r --policy-name p --policy-document '" + policy + "'");
  EXPECT_GT(seen.body.size(), policy.size());
  EXPECT_LT(seen.body.size(), kMaxBody);
  EXPECT_NE(seen.body.find("Action=PutRolePolicy"), std::string::npos);
}

TEST_F(AwsCliHttpTest, ErrorStatusAndCodeReachTheCli) {
  CliRun run = run_aws(port(), "iam list-users");
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("AccessDenied"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("not in the canned API"), std::string::npos) << run.output;
  EXPECT_EQ(api_.seen().size(), 1u) << "a 403 is not retried";
}

}  // namespace
}  // namespace borealis::http
