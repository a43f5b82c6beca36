// Test-only fixture for RDS handler tests (see rds_test_support.h).
#include "server/rds_test_support.h"

#include <cstdlib>

#include "common/fs.h"
#include "server/directory_requests.h"

namespace borealis::server::testing {

void RdsHandlerTest::SetUp() {
  char tmpl[] = "/tmp/borealis-rds-api-XXXXXX";
  dir_ = mkdtemp(tmpl);
  auto s = store::Store::open(dir_ + "/borealis.db");
  ASSERT_TRUE(s.ok()) << s.error().message;
  store_ = std::make_unique<store::Store>(std::move(s).value());
  settings_.account_id = "123456789012";
  settings_.data_dir = dir_;
  caller_.account_id = settings_.account_id;
  caller_.arn = "arn:aws:iam::123456789012:root";
}

void RdsHandlerTest::TearDown() {
  store_.reset();
  (void)fs::remove_tree(dir_);
}

api::Reply RdsHandlerTest::call(api::Handler handler, const nlohmann::json& input) {
  api::CallContext context{*store_, settings_, caller_, "rds", "", region_, "req-1", "127.0.0.1",
                           std::chrono::system_clock::now(), [this] { ++wakes; }};
  return handler(context, input);
}

std::string RdsHandlerTest::new_directory(const std::string& dns_name) {
  auto d = request_create_directory(*store_, {dns_name, "", "", Secret("Adm1n!Passw0rd")});
  EXPECT_TRUE(d.ok());
  return d.ok() ? d->id : "";
}

nlohmann::json RdsHandlerTest::cluster_input(const std::string& id) {
  return {{"DBClusterIdentifier", id},
          {"Engine", "aurora-postgresql"},
          {"MasterUsername", "postgres"},
          {"MasterUserPassword", "correct-horse-9"}};
}

}  // namespace borealis::server::testing
