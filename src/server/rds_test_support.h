// Test-only: a real Store in a temp dir and a CallContext around it, so RDS handler tests call
// handlers exactly as the router does (input JSON in, Reply out) without HTTP or signing.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/operation.h"
#include "store/store.h"

namespace borealis::server::testing {

class RdsHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Runs a handler; `wakes` counts how often it woke the reconciler.
  api::Reply call(api::Handler handler, const nlohmann::json& input);
  // The reply's error code, "" on success.
  static std::string code(const api::Reply& reply) { return reply.error ? reply.error->code : ""; }
  static int status(const api::Reply& reply) { return reply.error ? reply.error->http_status : 200; }

  // A directory row (as request_create_directory makes it) and its id.
  std::string new_directory(const std::string& dns_name);
  // CreateDBCluster input with the required members and a good password.
  static nlohmann::json cluster_input(const std::string& id);

  std::string dir_;
  std::unique_ptr<store::Store> store_;
  api::ApiSettings settings_;
  api::Caller caller_;
  int wakes = 0;
  std::string region_ = "us-east-1";  // the credential scope's region
};

}  // namespace borealis::server::testing
