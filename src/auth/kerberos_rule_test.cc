// check_kerberos_login from the policy table kerberos_cases.tsv: who (principal), as which role,
// against which realms, and the expected verdict with a substring its message must contain.
#include "auth/kerberos_rule.h"

#include <gtest/gtest.h>

#include "auth/policy_table.h"

namespace borealis::auth {
namespace {

TEST(KerberosRule, PolicyTable) {
  const auto rows = testing::read_policy_table("kerberos_cases.tsv", 7);
  for (const auto& [line_no, f] : rows) {
    SCOPED_TRACE("line " + std::to_string(line_no) + " case " + f[0]);
    KerberosPolicy policy;
    if (f[3] != "-") policy.realms = testing::split_fields(f[3], ',');
    ASSERT_TRUE(f[4] == "0" || f[4] == "1");
    policy.caseins_users = f[4] == "1";
    ASSERT_TRUE(f[5] == "allow" || f[5] == "refuse");
    const KerberosVerdict v = check_kerberos_login(f[1], f[2], policy);
    EXPECT_EQ(v.allowed, f[5] == "allow");
    EXPECT_FALSE(v.log_reason.empty());
    if (v.allowed) {
      EXPECT_TRUE(v.client_message.empty());
      if (f[6] != "-") {
        EXPECT_NE(v.log_reason.find(f[6]), std::string::npos) << v.log_reason;
      }
    } else {
      EXPECT_EQ(v.client_message.rfind("GSSAPI authentication failed for user \"" + f[2] + "\"", 0), 0u) << v.client_message;
      if (f[6] != "-") {
        EXPECT_NE(v.client_message.find(f[6]), std::string::npos) << v.client_message;
      }
    }
  }
  EXPECT_GE(rows.size(), 20u);
}

}  // namespace
}  // namespace borealis::auth
