#include "gateway/config.h"

#include <gtest/gtest.h>

namespace borealis::gateway {
namespace {

GatewayConfig sample() {
  GatewayConfig c;
  c.version = 7;
  c.mock_secret = Secret("0123456789abcdef");
  EndpointConfig e;
  e.name = "dev";
  e.cluster_id = "dev";
  e.host = "dev.cluster-abc.us-east-1.rds.borealis.internal";
  e.address = "127.0.10.1";
  e.port = 5432;
  e.tls_cert = "/x/cert.pem";
  e.tls_key = "/x/key.pem";
  e.instance = {"dev-1", "/run/pg", 6000, 50};
  e.iam_enabled = true;
  c.endpoints.push_back(e);
  return c;
}

TEST(GatewayConfig, RoundTrips) {
  auto parsed = parse_gateway_config(render_gateway_config(sample()));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->version, 7);
  EXPECT_EQ(parsed->mock_secret.reveal(), "0123456789abcdef");
  ASSERT_EQ(parsed->endpoints.size(), 1u);
  const auto& e = parsed->endpoints[0];
  EXPECT_EQ(e.host, "dev.cluster-abc.us-east-1.rds.borealis.internal");
  EXPECT_EQ(e.instance.socket_port, 6000);
  EXPECT_EQ(e.instance.max_backends, 50);
  EXPECT_TRUE(e.iam_enabled);
  EXPECT_FALSE(e.kerberos.has_value());
}

TEST(GatewayConfig, KerberosRoundTripsAndIsChecked) {
  GatewayConfig c = sample();
  c.endpoints[0].kerberos = KerberosConfig{"CORP.EXAMPLE.COM", "postgres/dev.example@CORP.EXAMPLE.COM", "/d/gw/dev.keytab",
                                           "/d/gw/rcache/dev", true};
  auto parsed = parse_gateway_config(render_gateway_config(c));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_TRUE(parsed->endpoints[0].kerberos.has_value());
  const KerberosConfig& k = *parsed->endpoints[0].kerberos;
  EXPECT_EQ(k.realm, "CORP.EXAMPLE.COM");
  EXPECT_EQ(k.service_principal, "postgres/dev.example@CORP.EXAMPLE.COM");
  EXPECT_EQ(k.keytab, "/d/gw/dev.keytab");
  EXPECT_EQ(k.replay_cache, "/d/gw/rcache/dev");
  EXPECT_TRUE(k.caseins_users);

  c.endpoints[0].kerberos->keytab = "relative.keytab";
  auto bad = parse_gateway_config(render_gateway_config(c));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("absolute"), std::string::npos);
}

TEST(GatewayConfig, ClientSourcesRoundTripAndAreChecked) {
  GatewayConfig c = sample();
  EXPECT_FALSE(parse_gateway_config(render_gateway_config(c))->endpoints[0].client_sources.has_value());
  c.endpoints[0].client_sources = ClientSources{{"sg-0123456789abcdef0"}, {*parse_cidr("127.0.0.0/8")}};
  auto parsed = parse_gateway_config(render_gateway_config(c));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_TRUE(parsed->endpoints[0].client_sources.has_value());
  EXPECT_EQ(parsed->endpoints[0].client_sources->security_groups, std::vector<std::string>{"sg-0123456789abcdef0"});
  ASSERT_EQ(parsed->endpoints[0].client_sources->allowed.size(), 1u);
  EXPECT_EQ(parsed->endpoints[0].client_sources->allowed[0].to_string(), "127.0.0.0/8");

  // No rule admitting anyone is a valid (closed) state, distinct from "no security groups".
  c.endpoints[0].client_sources->allowed.clear();
  parsed = parse_gateway_config(render_gateway_config(c));
  ASSERT_TRUE(parsed.ok());
  ASSERT_TRUE(parsed->endpoints[0].client_sources.has_value());
  EXPECT_TRUE(parsed->endpoints[0].client_sources->allowed.empty());

  std::string text = render_gateway_config(c);
  auto at = text.find("\"allowed\": []");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, std::string_view("\"allowed\": []").size(), "\"allowed\": [\"10.0.0.1/8\"]");
  auto bad = parse_gateway_config(text);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("CIDR"), std::string::npos);
}

TEST(GatewayConfig, RejectsBrokenInput) {
  EXPECT_FALSE(parse_gateway_config("not json").ok());
  EXPECT_FALSE(parse_gateway_config("[]").ok());
  EXPECT_FALSE(parse_gateway_config(R"({"version":1})").ok());  // no mock secret, no endpoints
  EXPECT_FALSE(parse_gateway_config(R"({"version":"x","mock_secret":"s","endpoints":[]})").ok());
  EXPECT_FALSE(parse_gateway_config(
                   R"({"version":1,"mock_secret":"s","endpoints":[{"name":"a","cluster_id":"a","host":"h","address":"127.0.0.1","port":70000,"instance":{"id":"i","socket_dir":"/d","socket_port":1}}]})")
                   .ok());
  auto ok = parse_gateway_config(R"({"version":1,"mock_secret":"s","endpoints":[]})");
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->endpoints.empty());
}

}  // namespace
}  // namespace borealis::gateway
