// Unit tests for the directory model and the MIT configuration text (pure; no KDC needed).
#include <gtest/gtest.h>

#include <set>

#include "directory/directory.h"
#include "directory/mit_config.h"

namespace borealis::directory {
namespace {

TEST(DirectoryStage, RoundTripsAwsStrings) {
  const std::pair<DirectoryStage, const char*> table[] = {
      {DirectoryStage::requested, "Requested"}, {DirectoryStage::creating, "Creating"},
      {DirectoryStage::active, "Active"},       {DirectoryStage::failed, "Failed"},
      {DirectoryStage::deleting, "Deleting"},   {DirectoryStage::deleted, "Deleted"},
  };
  for (const auto& [stage, text] : table) {
    EXPECT_EQ(to_string(stage), text);
    EXPECT_EQ(stage_from_string(text), stage);
  }
  EXPECT_FALSE(stage_from_string("active").has_value());
  EXPECT_FALSE(stage_from_string("Impaired").has_value());
  EXPECT_FALSE(stage_from_string("").has_value());
}

TEST(DirectoryId, FormatAndUniqueness) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    auto id = new_directory_id();
    EXPECT_TRUE(valid_directory_id(id)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 200u);
  EXPECT_FALSE(valid_directory_id("d-12345"));
  EXPECT_FALSE(valid_directory_id("d-ABCDEF0123"));
  EXPECT_FALSE(valid_directory_id("x-abcdef0123"));
  EXPECT_FALSE(valid_directory_id("d-abcdef01234"));
  EXPECT_FALSE(valid_directory_id("d-abcdef012g"));
}

TEST(DnsName, Table) {
  const std::pair<std::string, bool> table[] = {
      {"corp.example.com", true},
      {"Corp.Example.COM", true},
      {"a.b", true},
      {"my-corp.example.com", true},
      {"x1.internal", true},
      {"", false},
      {"corp", false},                 // not fully qualified
      {"corp.", false},                // empty label
      {".corp.com", false},
      {"corp..com", false},
      {"-corp.com", false},
      {"corp-.com", false},
      {"co_rp.com", false},
      {"corp.example.123", false},     // numeric TLD
      {"corp example.com", false},
      {std::string(64, 'a') + ".com", false},
      {std::string(63, 'a') + ".com", true},
  };
  for (const auto& [name, ok] : table) EXPECT_EQ(validate_dns_name(name).ok(), ok) << name;
  std::string long_name;
  while (long_name.size() < 254) long_name += "abcdefghi.";
  long_name += "com";
  EXPECT_FALSE(validate_dns_name(long_name).ok());
}

TEST(ShortName, Table) {
  EXPECT_TRUE(validate_short_name("CORP").ok());
  EXPECT_TRUE(validate_short_name("CORP-1").ok());
  EXPECT_TRUE(validate_short_name(std::string(15, 'A')).ok());
  EXPECT_FALSE(validate_short_name(std::string(16, 'A')).ok());
  EXPECT_FALSE(validate_short_name("").ok());
  EXPECT_FALSE(validate_short_name("-CORP").ok());
  EXPECT_FALSE(validate_short_name("CO.RP").ok());
  EXPECT_FALSE(validate_short_name("CO\\RP").ok());
  EXPECT_EQ(default_short_name("corp.example.com"), "CORP");
  EXPECT_EQ(default_short_name("averyveryverylongname.example.com"), "AVERYVERYVERYLO");
}

TEST(AdminPassword, AwsRules) {
  const std::pair<const char*, bool> table[] = {
      {"Passw0rd", true},          // lower, upper, digit
      {"passw0rd!", true},         // lower, digit, other
      {"PASSW0RD!", true},         // upper, digit, other
      {"Password!", true},         // lower, upper, other
      {"password", false},         // one class
      {"password1", false},        // two classes
      {"PASSWORD!", false},        // two classes
      {"Pa0!", false},             // too short
      {"Pa0!Pa0", false},          // 7
      {"Pa0!Pa0!", true},          // 8
      {"pass word1", false},       // a space is not a character class
      {"Pass\nw0rd", false},       // newline would split the stdin line
      {"Pass\tw0rd", false},
  };
  for (const auto& [pw, ok] : table) EXPECT_EQ(validate_admin_password(Secret(pw)).ok(), ok) << pw;
  EXPECT_TRUE(validate_admin_password(Secret("Aa1" + std::string(61, 'x'))).ok());   // 64
  EXPECT_FALSE(validate_admin_password(Secret("Aa1" + std::string(62, 'x'))).ok());  // 65
  auto st = validate_admin_password(Secret("secretpassword"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message.find("secretpassword"), std::string::npos);
}

TEST(LoopbackAddress, Table) {
  EXPECT_TRUE(validate_loopback_address("127.0.0.1").ok());
  EXPECT_TRUE(validate_loopback_address("127.10.20.30").ok());
  EXPECT_FALSE(validate_loopback_address("0.0.0.0").ok());
  EXPECT_FALSE(validate_loopback_address("10.0.0.1").ok());
  EXPECT_FALSE(validate_loopback_address("127.0.0").ok());
  EXPECT_FALSE(validate_loopback_address("127.0.0.256").ok());
  EXPECT_FALSE(validate_loopback_address("127.0.0.01").ok());
  EXPECT_FALSE(validate_loopback_address("127.0.0.1.").ok());
  EXPECT_FALSE(validate_loopback_address("localhost").ok());
  EXPECT_FALSE(validate_loopback_address("").ok());
}

CreateDirectoryRequest request() {
  CreateDirectoryRequest r;
  r.name = "Corp.Example.com";
  r.kdc_port = 10088;
  r.kadmin_port = 10749;
  r.kpasswd_port = 10464;
  return r;
}

TEST(MakeDirectory, DerivesRealmAndShortName) {
  auto d = make_directory(request());
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_TRUE(valid_directory_id(d->id));
  EXPECT_EQ(d->dns_name, "corp.example.com");
  EXPECT_EQ(d->realm, "CORP.EXAMPLE.COM");
  EXPECT_EQ(d->short_name, "CORP");
  EXPECT_EQ(d->stage, DirectoryStage::requested);
  EXPECT_EQ(d->kdc_address, "127.0.0.1");

  auto r = request();
  r.short_name = "corpnet";
  EXPECT_EQ(make_directory(r)->short_name, "CORPNET");
}

TEST(MakeDirectory, Rejects) {
  auto r = request();
  r.kdc_address = "192.168.1.1";
  EXPECT_FALSE(make_directory(r).ok());
  r = request();
  r.kadmin_port = r.kdc_port;
  EXPECT_FALSE(make_directory(r).ok());
  r = request();
  r.kpasswd_port = 0;
  EXPECT_FALSE(make_directory(r).ok());
  r = request();
  r.name = "corp";
  EXPECT_EQ(make_directory(r).error().code, Errc::invalid_argument);
  r = request();
  r.description = std::string(129, 'x');
  EXPECT_FALSE(make_directory(r).ok());
  r = request();
  r.short_name = "has space";
  EXPECT_FALSE(make_directory(r).ok());
}

TEST(PrincipalName, Table) {
  EXPECT_TRUE(valid_principal_name("alice"));
  EXPECT_TRUE(valid_principal_name("postgres/db1.internal"));
  EXPECT_TRUE(valid_principal_name("svc_a-b.c"));
  EXPECT_FALSE(valid_principal_name(""));
  EXPECT_FALSE(valid_principal_name("a/b/c"));
  EXPECT_FALSE(valid_principal_name("/a"));
  EXPECT_FALSE(valid_principal_name("a/"));
  EXPECT_FALSE(valid_principal_name("alice@REALM"));  // the provider adds the realm
  EXPECT_FALSE(valid_principal_name("alice bob"));
  EXPECT_FALSE(valid_principal_name("alice;delprinc"));
  EXPECT_FALSE(valid_principal_name("\"alice\""));
  EXPECT_FALSE(valid_principal_name("-randkey"));  // would be read as a kadmin option
  EXPECT_EQ(*postgres_service_principal("db1.internal"), "postgres/db1.internal");
  EXPECT_FALSE(postgres_service_principal("db 1").ok());
  EXPECT_FALSE(postgres_service_principal("").ok());
  EXPECT_FALSE(postgres_service_principal("db..x").ok());
}

Directory sample() {
  auto d = make_directory(request());
  return *d;
}

TEST(MitConfig, KdcConfListensOnLoopbackOnly) {
  auto d = sample();
  auto p = mit::realm_paths("/data", d.id);
  EXPECT_EQ(p.dir, "/data/directories/" + d.id);
  auto text = mit::kdc_conf(d, p);
  EXPECT_NE(text.find("kdc_listen = 127.0.0.1:10088"), std::string::npos);
  EXPECT_NE(text.find("kdc_tcp_listen = 127.0.0.1:10088"), std::string::npos);
  EXPECT_NE(text.find("kadmind_listen = 127.0.0.1:10749"), std::string::npos);
  EXPECT_NE(text.find("kpasswd_listen = 127.0.0.1:10464"), std::string::npos);
  EXPECT_NE(text.find("CORP.EXAMPLE.COM = {"), std::string::npos);
  EXPECT_NE(text.find("database_name = /data/directories/" + d.id + "/principal"), std::string::npos);
  EXPECT_NE(text.find("key_stash_file = /data/directories/" + d.id + "/stash"), std::string::npos);
  EXPECT_NE(text.find("supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal"),
            std::string::npos);
  // Every listen line names an address: no bare ports (which would bind every interface).
  std::size_t pos = 0;
  while ((pos = text.find("_listen = ", pos)) != std::string::npos) {
    pos += 10;
    EXPECT_EQ(text.compare(pos, 10, "127.0.0.1:"), 0) << text.substr(pos, 20);
  }
}

TEST(MitConfig, ClientKrb5Conf) {
  auto text = mit::client_krb5_conf(sample());
  for (const char* want : {"default_realm = CORP.EXAMPLE.COM", "rdns = false", "dns_canonicalize_hostname = false",
                           "dns_lookup_kdc = false", "kdc = 127.0.0.1:10088", "admin_server = 127.0.0.1:10749",
                           "kpasswd_server = 127.0.0.1:10464"})
    EXPECT_NE(text.find(want), std::string::npos) << want;
}

TEST(MitConfig, AclRestrictsAdminBeforeGrantingIt) {
  auto text = mit::kadm5_acl(sample());
  auto restrict_pg = text.find("Admin@CORP.EXAMPLE.COM  il  postgres/*@CORP.EXAMPLE.COM");
  auto grant = text.find("Admin@CORP.EXAMPLE.COM  *\n");
  ASSERT_NE(restrict_pg, std::string::npos);
  ASSERT_NE(grant, std::string::npos);
  EXPECT_LT(restrict_pg, grant);  // kadmind uses the first matching line
}

}  // namespace
}  // namespace borealis::directory
