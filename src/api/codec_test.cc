// Codec unit tests: form decoding, query/ec2 input against the model, XML and JSON output, caps.
// (Every operation's full input and output is also checked against botocore itself by
// testdata/botocore_roundtrip.py.)
#include <gtest/gtest.h>

#include "api/form.h"
#include "api/input_check.h"
#include "api/json_protocol.h"
#include "api/model.h"
#include "api/query_input.h"
#include "api/xml_output.h"
#include "common/json_depth.h"

namespace borealis::api {
namespace {

const ServiceModel& service(std::string_view name) {
  const auto* s = Model::get().service(name);
  EXPECT_NE(s, nullptr) << name;
  return *s;
}

// Decodes "k=v&..." for the operation; returns the input or "ERROR <code>: <message>".
nlohmann::json decode(std::string_view svc, std::string_view op, std::string_view body) {
  auto params = parse_form(body);
  if (!params) return "FORM " + params.error().message;
  nlohmann::json out;
  const auto& s = service(svc);
  if (auto e = decode_query_input(s, *s.operation(op), *params, out)) return "ERROR " + e->code + ": " + e->message;
  return out;
}

TEST(Form, DecodesPlusPercentAndEmptyValues) {
  auto p = parse_form("A=a+b%2Fc&B=&C&D=%E2%82%AC");
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->size(), 4u);
  EXPECT_EQ((*p)[0].value, "a b/c");
  EXPECT_EQ((*p)[1].value, "");
  EXPECT_EQ((*p)[2].key, "C");
  EXPECT_EQ((*p)[3].value, "\xE2\x82\xAC");
  EXPECT_TRUE(parse_form("").ok());
  EXPECT_EQ(parse_form("").value().size(), 0u);
}

TEST(Form, RefusesBadEscapesDuplicatesAndCaps) {
  EXPECT_FALSE(parse_form("A=%4").ok());
  EXPECT_FALSE(parse_form("A=%").ok());
  EXPECT_FALSE(parse_form("A=%G1").ok());
  EXPECT_FALSE(parse_form("A=1&A=2").ok());
  EXPECT_FALSE(parse_form("=1").ok());
  EXPECT_FALSE(parse_form(std::string(kMaxFormKeyLength + 1, 'k') + "=1").ok());
  EXPECT_TRUE(parse_form(std::string(kMaxFormKeyLength, 'k') + "=1").ok());
  std::string many;
  for (std::size_t i = 0; i <= kMaxFormParameters; ++i) many += "k" + std::to_string(i) + "=1&";
  auto r = parse_form(many);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::too_large);
}

TEST(Form, EncodeDecodeRoundTrip) {
  std::vector<FormParam> in = {{"Policy", "{\"a\": [1, 2]} &=+%"}, {"K.member.1", "é"}};
  auto out = parse_form(encode_form(in));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)[0].value, in[0].value);
  EXPECT_EQ((*out)[1].key, in[1].key);
  EXPECT_EQ((*out)[1].value, in[1].value);
}

TEST(QueryInput, ListsMapsAndNestedStructures) {
  auto in = decode("rds", "CreateDBCluster",
                   "DBClusterIdentifier=c1&Engine=aurora-postgresql&VpcSecurityGroupIds.VpcSecurityGroupId.2=sg-2&"
                   "VpcSecurityGroupIds.VpcSecurityGroupId.1=sg-1&Tags.Tag.1.Key=k&Tags.Tag.1.Value=v&Port=5432&"
                   "StorageEncrypted=true&ServerlessV2ScalingConfiguration.MinCapacity=0.5");
  ASSERT_TRUE(in.is_object()) << in;
  EXPECT_EQ(in["VpcSecurityGroupIds"], nlohmann::json({"sg-1", "sg-2"}));
  EXPECT_EQ(in["Tags"][0]["Key"], "k");
  EXPECT_EQ(in["Port"], 5432);
  EXPECT_EQ(in["StorageEncrypted"], true);
  EXPECT_EQ(in["ServerlessV2ScalingConfiguration"]["MinCapacity"], 0.5);
}

TEST(QueryInput, EmptyListIsNameEquals) {
  auto in = decode("rds", "ModifyDBCluster", "DBClusterIdentifier=c1&VpcSecurityGroupIds=");
  ASSERT_TRUE(in.is_object()) << in;
  EXPECT_EQ(in["VpcSecurityGroupIds"], nlohmann::json::array());
  EXPECT_EQ(decode("rds", "ModifyDBCluster", "DBClusterIdentifier=c1&VpcSecurityGroupIds=sg-1").get<std::string>().rfind("ERROR InvalidParameterValue", 0), 0u);
}

TEST(QueryInput, Ec2ListsAndFilters) {
  auto in = decode("ec2", "DescribeVpcs", "VpcId.1=vpc-1&Filter.1.Name=cidr&Filter.1.Value.1=10.0.0.0/16&Filter.1.Value.2=x");
  ASSERT_TRUE(in.is_object()) << in;
  EXPECT_EQ(in["VpcIds"], nlohmann::json({"vpc-1"}));
  EXPECT_EQ(in["Filters"][0]["Values"], nlohmann::json({"10.0.0.0/16", "x"}));
}

TEST(QueryInput, ErrorsNameTheParameter) {
  EXPECT_EQ(decode("rds", "DeleteDBCluster", ""), "ERROR MissingParameter: The request must contain the parameter DBClusterIdentifier");
  EXPECT_EQ(decode("ec2", "CreateVpc", "CidrBlock=10.0.0.0/16&Nope=1"), "ERROR UnknownParameter: The parameter Nope is not recognized");
  EXPECT_EQ(decode("rds", "DeleteDBCluster", "DBClusterIdentifier=c&Force=1"),
            "ERROR InvalidQueryParameter: The parameter Force is not recognized");
  EXPECT_EQ(decode("iam", "GetUser", "Nope=1"), "ERROR InvalidQueryParameter: The parameter Nope is not recognized");
  auto nested = decode("rds", "CreateDBCluster", "DBClusterIdentifier=c&Engine=e&Tags.Tag.1.Colour=red").get<std::string>();
  EXPECT_NE(nested.find("Tags.Tag.1.Colour"), std::string::npos) << nested;
  auto bad_bool = decode("rds", "CreateDBCluster", "DBClusterIdentifier=c&Engine=e&StorageEncrypted=yes").get<std::string>();
  EXPECT_NE(bad_bool.find("StorageEncrypted"), std::string::npos);
  EXPECT_NE(bad_bool.find("true or false"), std::string::npos);
  auto iam = decode("iam", "CreateUser", "").get<std::string>();
  EXPECT_EQ(iam, "ERROR ValidationError: 1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null");
  auto too_long = decode("iam", "CreateUser", "UserName=" + std::string(65, 'a')).get<std::string>();
  EXPECT_NE(too_long.find("length less than or equal to 64"), std::string::npos) << too_long;
  auto status = decode("iam", "UpdateAccessKey", "AccessKeyId=AKIAAAAAAAAAAAAAAAAA&Status=Maybe").get<std::string>();
  EXPECT_NE(status.find("enum value set: [Active, Inactive"), std::string::npos) << status;
  auto utf8 = decode("rds", "DeleteDBCluster", "DBClusterIdentifier=%FF").get<std::string>();
  EXPECT_NE(utf8.find("UTF-8"), std::string::npos);
  auto index = decode("ec2", "DescribeVpcs", "VpcId.0=vpc-1").get<std::string>();
  EXPECT_NE(index.find("UnknownParameter"), std::string::npos) << "indices start at 1";
}

TEST(QueryInput, ScalarsConvertStrictly) {
  auto max = decode("rds", "DescribeDBClusters", "MaxRecords=2147483648").get<std::string>();
  EXPECT_NE(max.find("MaxRecords"), std::string::npos);
  auto in = decode("rds", "DescribeDBClusters", "MaxRecords=%2B20");
  EXPECT_EQ(in["MaxRecords"], 20);
  EXPECT_EQ(parse_iso8601("2026-11-28T17:30:00Z"), 1795887000);
  EXPECT_EQ(parse_iso8601("2026-11-28T18:30:00.123+01:00"), 1795887000);
  EXPECT_FALSE(parse_iso8601("2026-02-30T00:00:00Z"));
  EXPECT_FALSE(parse_iso8601("2026-11-28 17:30:00"));
  EXPECT_EQ(format_iso8601(1795887000), "2026-11-28T17:30:00Z");
  EXPECT_EQ(format_iso8601(-1), "1969-12-31T23:59:59Z");
}

TEST(QueryInput, SensitiveValuesAreNeverQuoted) {
  const auto& ds = service("ds");
  nlohmann::json out;
  auto e = decode_json_input(ds, *ds.operation("ResetUserPassword"),
                             R"({"DirectoryId":"d-1234567890","UserName":"bob","NewPassword":")" + std::string(200, 'S') + "\"}",
                             out);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, "InvalidParameterException");
  EXPECT_EQ(e->message.find("SSSS"), std::string::npos) << e->message;
  EXPECT_NE(e->message.find("NewPassword"), std::string::npos);
}

TEST(QueryInput, SecretSoundingParametersAreNeverQuoted) {
  ShapeRef plain = service("rds").shape("String");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(quotable_value(plain, "hunter2", "MasterUserPassword").has_value());
  EXPECT_FALSE(quotable_value(plain, "hunter2", "Tags.Tag.1.SessionToken").has_value());
  EXPECT_EQ(quotable_value(plain, "c1", "DBClusterIdentifier"), "c1");
  EXPECT_EQ(quotable_value(plain, std::string(100, 'x'), "Name"), std::string(kMaxQuotedValue, 'x') + "...");
}

TEST(XmlOutput, EscapesAndRepairsText) {
  std::string out;
  append_xml_text(out, "a<b>&\"'\r\x01\xFF\xC3\xA9");
  EXPECT_EQ(out, "a&lt;b&gt;&amp;&quot;&apos;&#13;\xEF\xBF\xBD\xEF\xBF\xBD\xC3\xA9");
}

TEST(XmlOutput, Ec2UsesItemsAndRequestId) {
  const auto& ec2 = service("ec2");
  std::string xml = xml_response(ec2, *ec2.operation("DescribeVpcs"),
                                 {{"Vpcs", {{{"VpcId", "vpc-1"}, {"IsDefault", false}}}}, {"Bogus", 1}}, "rid");
  EXPECT_NE(xml.find("<DescribeVpcsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>rid</requestId>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<vpcSet><item><isDefault>false</isDefault><vpcId>vpc-1</vpcId></item></vpcSet>"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("Bogus"), std::string::npos);
}

TEST(XmlOutput, OperationWithoutOutputHasOnlyMetadata) {
  const auto& iam = service("iam");
  std::string xml = xml_response(iam, *iam.operation("DeleteUser"), nlohmann::json::object(), "rid");
  EXPECT_NE(xml.find("<DeleteUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></DeleteUserResponse>"),
            std::string::npos)
      << xml;
}

TEST(JsonProtocol, CapsAndTypes) {
  const auto& ds = service("ds");
  const auto& op = *ds.operation("DescribeDirectories");
  nlohmann::json out;
  EXPECT_EQ(decode_json_input(ds, op, std::string(100000, '[') , out)->code, "SerializationException");
  EXPECT_EQ(decode_json_input(ds, op, std::string(kMaxJsonBody + 1, ' '), out)->code, "SerializationException");
  EXPECT_EQ(decode_json_input(ds, op, "[]", out)->code, "SerializationException");
  EXPECT_EQ(decode_json_input(ds, op, R"({"Limit": 1.5})", out)->code, "SerializationException");
  EXPECT_EQ(decode_json_input(ds, op, R"({"Nope": 1})", out)->code, "InvalidParameterException");
  EXPECT_FALSE(decode_json_input(ds, op, "", out).has_value());
  EXPECT_FALSE(decode_json_input(ds, op, R"({"DirectoryIds": ["d-1234567890"], "Limit": 5})", out).has_value());
  EXPECT_EQ(out["Limit"], 5);
  EXPECT_EQ(json_nesting_depth("{\"a\": \"[[[[\"}", 10), 1);
}

TEST(Model, ErrorStatusesComeFromTheModel) {
  EXPECT_EQ(service("rds").error_info("DBClusterNotFoundFault").http_status, 404);
  auto iam = service("iam").error_info("NoSuchEntityException");
  EXPECT_EQ(iam.code, "NoSuchEntity");
  EXPECT_EQ(iam.http_status, 404);
  EXPECT_EQ(service("rds").error_info("SomethingElse").http_status, 400);
  EXPECT_FALSE(service("rds").error_info("SomethingElse").modelled);
  EXPECT_EQ(service("ds").target_prefix(), "DirectoryService_20150416");
  EXPECT_EQ(Model::get().services().size(), 5u);
}

}  // namespace
}  // namespace borealis::api
