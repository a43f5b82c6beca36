// select_method from the policy table method_cases.tsv (like PgBouncer's hba_test.rules/.eval):
// one row per case, the expected method or refusal, and a substring the message must contain.
#include "auth/method.h"

#include <gtest/gtest.h>

#include <vector>

#include "auth/policy_table.h"
#include "auth/scram.h"


namespace borealis::auth {
namespace {

constexpr long long kNow = 1'700'000'000;
constexpr std::size_t kColumns = 13;

bool flag(const std::string& s) {
  EXPECT_TRUE(s == "0" || s == "1") << "bad boolean column: " << s;
  return s == "1";
}

std::optional<std::string> password_of_kind(const std::string& kind) {
  if (kind == "none") return std::nullopt;
  if (kind == "scram") return format_scram_verifier(make_scram_verifier("secret", "0123456789abcdef", 4096));
  if (kind == "md5") return "md5" + std::string(32, 'a');
  if (kind == "plain") return "hunter2";
  if (kind == "bad_scram") return "SCRAM-SHA-256$4096:c2FsdA==$bm90IGEga2V5:bm90IGEga2V5";
  ADD_FAILURE() << "unknown password kind " << kind;
  return std::nullopt;
}

const char* method_name(Method m) {
  switch (m) {
    case Method::scram: return "scram";
    case Method::mock_scram: return "mock_scram";
    case Method::gss: return "gss";
    case Method::iam_token: return "iam_token";
    case Method::refuse: return "refuse";
  }
  return "?";
}

TEST(SelectMethod, PolicyTable) {
  const auto rows = testing::read_policy_table("method_cases.tsv", kColumns);
  for (const auto& [line_no, f] : rows) {
    SCOPED_TRACE("line " + std::to_string(line_no) + " case " + f[0]);

    RoleFacts role;
    role.name = "user_" + f[0];
    role.exists = flag(f[1]);
    role.can_login = true;
    role.superuser = flag(f[2]);
    role.member_of_rds_ad = flag(f[3]);
    role.member_of_rds_iam = flag(f[4]);
    role.rolpassword = password_of_kind(f[5]);
    if (f[6] != "-") role.valid_until_epoch = kNow + std::stoll(f[6]);
    ConnectionFacts conn;
    conn.tls = flag(f[7]);
    conn.replication = flag(f[8]);
    conn.kerberos_enabled = flag(f[9]);
    conn.iam_enabled = flag(f[10]);
    conn.now_epoch = kNow;

    const Selection got = select_method(role, conn);
    const std::string& expected = f[11];
    if (expected.starts_with("refuse:")) {
      EXPECT_EQ(method_name(got.method), std::string("refuse"));
      EXPECT_EQ(got.sqlstate, expected.substr(7));
      EXPECT_FALSE(got.client_message.empty());
      if (f[12] != "-") {
        EXPECT_NE(got.client_message.find(f[12]), std::string::npos) << got.client_message;
      }
      // Refusals about a role's group membership name the role (RoleFacts::name).
      if (got.client_message.find("rds_") != std::string::npos) {
        EXPECT_NE(got.client_message.find("\"" + role.name + "\""), std::string::npos) << got.client_message;
      }
    } else {
      EXPECT_EQ(method_name(got.method), expected);
      EXPECT_TRUE(got.client_message.empty());
      EXPECT_TRUE(got.sqlstate.empty());
      if (f[12] != "-") {
        EXPECT_NE(got.log_reason.find(f[12]), std::string::npos) << got.log_reason;
      }
    }
    EXPECT_FALSE(got.log_reason.empty());
    // The password material never shows up in what select_method says.
    if (role.rolpassword) {
      EXPECT_EQ(got.log_reason.find(*role.rolpassword), std::string::npos);
      EXPECT_EQ(got.client_message.find(*role.rolpassword), std::string::npos);
    }
  }
  EXPECT_GE(rows.size(), 20u);
}

TEST(SelectMethod, CanLoginIsNotConsulted) {
  RoleFacts role;
  role.name = "nologin";
  role.exists = true;
  role.can_login = false;
  role.rolpassword = format_scram_verifier(make_scram_verifier("pw", "salt", 4096));
  EXPECT_EQ(select_method(role, ConnectionFacts{}).method, Method::scram);
}

TEST(SelectMethod, InternalBorealisRolesGetAFailingExchange) {
  for (const char* name : {"borealis_gateway", "borealis_admin", "borealis_anything"}) {
    RoleFacts role;
    role.name = name;
    role.exists = true;
    role.can_login = true;
    role.rolpassword = format_scram_verifier(make_scram_verifier("pw", "0123456789abcdef", 4096));
    ConnectionFacts conn;
    conn.tls = true;
    Selection got = select_method(role, conn);
    EXPECT_EQ(got.method, Method::mock_scram) << name;
  }
  RoleFacts ordinary;
  ordinary.name = "borealis";  // only the borealis_ prefix is reserved
  ordinary.exists = true;
  ordinary.rolpassword = format_scram_verifier(make_scram_verifier("pw", "0123456789abcdef", 4096));
  EXPECT_EQ(select_method(ordinary, ConnectionFacts{}).method, Method::scram);
}

}  // namespace
}  // namespace borealis::auth
