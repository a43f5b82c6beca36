// A real store in a temporary directory with the default network of two regions, and a way to call
// the EC2 handlers as the router would. For the network component's tests only.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "api/model.h"
#include "common/fs.h"
#include "network/defaults.h"
#include "network/ec2.h"
#include "network/model.h"
#include "store/network_tables.h"
#include "store/store.h"

namespace borealis::network {

class NetworkFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/borealis-network-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto s = store::Store::open(dir_ + "/borealis.db");
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_.emplace(std::move(s).value());
    settings_.account_id = "123456789012";
    settings_.regions = {"us-east-1", "eu-west-1"};
    settings_.endpoint_url = "http://127.0.0.1:8443";
    caller_.account_id = settings_.account_id;
    caller_.arn = "arn:aws:iam::123456789012:root";
    ASSERT_TRUE(ensure_default_network(*store_, settings_.regions).ok());
  }
  void TearDown() override {
    store_.reset();
    (void)fs::remove_tree(dir_);
  }

  api::Reply call(const std::string& action, const nlohmann::json& input, const std::string& region = "us-east-1") {
    for (const auto& op : ec2_operations().operations) {
      if (op.action != action) continue;
      api::CallContext context{*store_, settings_, caller_, "ec2", action, region, "req-1", "127.0.0.1",
                               std::chrono::system_clock::now(), [] {}};
      return op.handler(context, input);
    }
    ADD_FAILURE() << "no handler for " << action;
    return api::Reply::fail("InvalidAction", action);
  }
  // The error code of a reply ("" when it succeeded).
  static std::string code(const api::Reply& reply) { return reply.error ? reply.error->code : ""; }

  // Calls `action` while a registered dependency check reports `resource_id` used by `holder`.
  api::Reply call_while_held(const std::string& resource_id, const std::string& holder, const std::string& action,
                             const nlohmann::json& input) {
    add_dependency_check([=](store::Store&, const std::string& id) -> std::optional<std::string> {
      if (id == resource_id) return holder;
      return std::nullopt;
    });
    auto reply = call(action, input);
    clear_dependency_checks();
    return reply;
  }
  // Calls `action` and expects success; returns the output, checked against the botocore output
  // shape (the XML encoder silently drops members the shape lacks, so a misspelt one would vanish).
  nlohmann::json ok(const std::string& action, const nlohmann::json& input, const std::string& region = "us-east-1") {
    auto reply = call(action, input, region);
    EXPECT_FALSE(reply.error) << action << ": " << reply.error->code << " " << reply.error->message;
    const auto* ec2 = api::Model::get().service("ec2");
    const auto* operation = ec2 != nullptr ? ec2->operation(action) : nullptr;
    if (operation == nullptr) {
      ADD_FAILURE() << action << " is not in the generated ec2 model";
    } else if (auto shape = ec2->output_of(*operation)) {
      conforms(*ec2, shape, reply.output, action);
    } else {
      EXPECT_TRUE(reply.output.empty()) << action << " has no output shape";
    }
    return reply.output;
  }

  static void conforms(const api::ServiceModel& model, const api::ShapeRef& shape, const nlohmann::json& value,
                       const std::string& path) {
    const std::string_view type = shape.type();
    if (type == "structure") {
      ASSERT_TRUE(value.is_object()) << path;
      const auto& members = (*shape.shape)["members"];
      for (const auto& [name, member] : value.items()) {
        ASSERT_TRUE(members.contains(name)) << path << "." << name << " is not in " << shape.name;
        conforms(model, model.resolve(members[name]), member, path + "." + name);
      }
    } else if (type == "list") {
      ASSERT_TRUE(value.is_array()) << path;
      for (const auto& item : value) conforms(model, model.resolve((*shape.shape)["member"]), item, path + "[]");
    } else if (type == "string" || type == "timestamp") {
      EXPECT_TRUE(value.is_string()) << path;
      if (const auto* values = shape.get("enum")) {
        EXPECT_NE(std::find(values->begin(), values->end(), value), values->end()) << path << " = " << value;
      }
    } else if (type == "integer" || type == "long") {
      EXPECT_TRUE(value.is_number_integer()) << path;
    } else if (type == "boolean") {
      EXPECT_TRUE(value.is_boolean()) << path;
    } else {
      ADD_FAILURE() << path << ": unexpected shape type " << type;
    }
  }

  std::string default_vpc(const std::string& region = "us-east-1") {
    auto v = store::NetworkTables(*store_).default_vpc(region);
    return v.ok() && v->has_value() ? (*v)->id : "";
  }
  std::string default_group(const std::string& vpc_id) {
    auto g = store::NetworkTables(*store_).find_security_group(vpc_id, "default");
    return g.ok() ? g->id : "";
  }
  std::string new_vpc(const std::string& cidr, const std::string& region = "us-east-1") {
    return ok("CreateVpc", {{"CidrBlock", cidr}}, region)["Vpc"].value("VpcId", "");
  }
  std::string new_group(const std::string& vpc_id, const std::string& name) {
    return ok("CreateSecurityGroup", {{"GroupName", name}, {"Description", name + " group"}, {"VpcId", vpc_id}})
        .value("GroupId", "");
  }
  // One Filter.N entry.
  static nlohmann::json filter(const std::string& name, std::vector<std::string> values) {
    return nlohmann::json{{"Name", name}, {"Values", values}};
  }
  // What `aws ec2 authorize-security-group-ingress --group-id G --protocol tcp --port P --cidr C` sends.
  static nlohmann::json cli_cidr_rule(const std::string& group, int port, const std::string& cidr) {
    using nlohmann::json;
    json range{{"CidrIp", cidr}};
    json permission{{"IpProtocol", "tcp"}, {"FromPort", port}, {"ToPort", port}, {"IpRanges", json::array({range})}};
    return json{{"GroupId", group}, {"IpPermissions", json::array({permission})}};
  }
  // ... and with --source-group S.
  static nlohmann::json cli_group_rule(const std::string& group, int port, const std::string& source) {
    using nlohmann::json;
    json pair{{"GroupId", source}};
    json permission{{"IpProtocol", "tcp"}, {"FromPort", port}, {"ToPort", port}, {"UserIdGroupPairs", json::array({pair})}};
    return json{{"GroupId", group}, {"IpPermissions", json::array({permission})}};
  }

  std::string dir_;
  std::optional<store::Store> store_;
  api::ApiSettings settings_;
  api::Caller caller_;
};

}  // namespace borealis::network
