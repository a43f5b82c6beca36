// Tokens from the real `/usr/bin/aws rds generate-db-auth-token` (Debian's awscli; signing needs no
// network) verify, and refuse a case-changed user, another port and a wrong secret. Labelled
// "integration"; skipped only when /usr/bin/aws is not installed (scripts/setup installs it).
// The keys here are made-up test values, passed to the child process's environment only.
#include <gtest/gtest.h>

#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>

#include "sigv4/verifier.h"

namespace borealis::sigv4 {
namespace {

constexpr const char* kAws = "/usr/bin/aws";
constexpr std::string_view kAkid = "AKIDBOREALISCLITEST1";
constexpr std::string_view kSecret = "cliTestSecretKey/with+specials=0123456789";
constexpr std::string_view kSession = "IQoJb3JpZ2luX2VjEBorealis/Session+Token==";

// Runs the aws CLI in a clean environment (no config or credentials files of the machine's user).
std::string generate(const std::string& user, bool with_session) {
  std::string command = "env -i PATH=/usr/bin:/bin HOME=/nonexistent AWS_CONFIG_FILE=/dev/null "
                        "AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true "
                        "AWS_ACCESS_KEY_ID=" + std::string(kAkid) + " AWS_SECRET_ACCESS_KEY='" + std::string(kSecret) + "'";
  if (with_session) command += " AWS_SESSION_TOKEN='" + std::string(kSession) + "'";
  command += std::string(" ") + kAws + " rds generate-db-auth-token --hostname h --port 5432 --username '" + user +
             "' --region us-east-1 2>&1";
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  EXPECT_EQ(status, 0) << out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

CredentialLookup lookup(std::string_view secret, bool with_session) {
  return [secret, with_session](std::string_view akid) -> std::optional<Credentials> {
    if (akid != kAkid) return std::nullopt;
    Credentials c{Secret(std::string(secret)), "arn:aws:iam::000000000000:user/cli", std::nullopt, std::nullopt};
    if (with_session) c.session_token.emplace(std::string(kSession));
    return c;
  };
}

class AwsCliTokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kAws, X_OK) != 0) GTEST_SKIP() << kAws << " is not installed";
  }
  SigningKeyCache cache;
  DbAuthRules rules{"h", 5432, "us-east-1", "alice"};
};

TEST_F(AwsCliTokenTest, LongTermKeyTokenVerifies) {
  const std::string token = generate("alice", false);
  ASSERT_EQ(token.rfind("h:5432/?Action=connect&DBUser=alice&", 0), 0u) << "unexpected CLI output shape";
  const Seconds now = std::chrono::floor<std::chrono::seconds>(Clock::now());
  auto ok = verify_db_auth_token(token, rules, lookup(kSecret, false), cache, now);
  ASSERT_TRUE(ok.ok()) << to_string(ok.error().check) << ": " << ok.error().message;
  EXPECT_EQ(ok->principal, "arn:aws:iam::000000000000:user/cli");

  DbAuthRules other = rules;
  other.db_user = "Alice";
  EXPECT_EQ(verify_db_auth_token(token, other, lookup(kSecret, false), cache, now).error().check, Check::wrong_db_user);
  other = rules;
  other.port = 5433;
  EXPECT_EQ(verify_db_auth_token(token, other, lookup(kSecret, false), cache, now).error().check, Check::wrong_port);
  EXPECT_EQ(verify_db_auth_token(token, rules, lookup("wrong", false), cache, now).error().check,
            Check::signature_mismatch);
  EXPECT_EQ(verify_db_auth_token(token, rules, lookup(kSecret, false), cache, now + std::chrono::seconds(901))
                .error().check,
            Check::expired);
}

TEST_F(AwsCliTokenTest, SessionTokenVerifiesAndEncodedUserIsDecoded) {
  rules.db_user = "app@CORP.EXAMPLE";
  const std::string token = generate("app@CORP.EXAMPLE", true);
  const Seconds now = std::chrono::floor<std::chrono::seconds>(Clock::now());
  auto ok = verify_db_auth_token(token, rules, lookup(kSecret, true), cache, now);
  ASSERT_TRUE(ok.ok()) << to_string(ok.error().check) << ": " << ok.error().message;
  EXPECT_TRUE(ok->temporary);
  EXPECT_EQ(verify_db_auth_token(token, rules, lookup(kSecret, false), cache, now).error().check,
            Check::security_token_unexpected);
}

}  // namespace
}  // namespace borealis::sigv4
