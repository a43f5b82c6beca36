#include "identity/identity_test_support.h"

#include <unistd.h>

#include <filesystem>

#include "identity/operations.h"
#include "identity/resolve.h"
#include "sigv4/amz_date.h"

namespace borealis::identity::testing {
namespace {

const api::Operation* find_operation(const std::string& service, const std::string& action) {
  const api::ServiceOperations ops = service == "iam" ? iam_operations() : sts_operations();
  for (const auto& op : ops.operations)
    if (op.action == action) return &op;
  return nullptr;
}

}  // namespace

void IdentityTest::SetUp() {
  char tmpl[] = "/tmp/borealis-identity-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  dir_ = tmpl;
  auto s = store::Store::open(dir_ + "/borealis.db");
  ASSERT_TRUE(s.ok()) << s.error().message;
  store_.emplace(std::move(s).value());
  settings_.account_id = kAccount;
  settings_.data_dir = dir_;
  settings_.endpoint_url = "http://127.0.0.1:4566";
  now_ = *sigv4::parse_amz_date("20261128T173000Z");
}

void IdentityTest::TearDown() {
  store_.reset();
  std::filesystem::remove_all(dir_);
}

api::Reply IdentityTest::call(const std::string& service, const std::string& action, const nlohmann::json& input,
                              const api::Caller& caller) {
  const api::Operation* op = find_operation(service, action);
  if (op == nullptr) {
    ADD_FAILURE() << "no operation " << service << ":" << action;
    return api::Reply::fail("Missing", action);
  }
  api::CallContext context{*store_, settings_, caller, service, action, region_, "req-1", "127.0.0.1", now_, {}};
  return op->handler(context, input);
}

std::string IdentityTest::resource(const std::string& service, const std::string& action, const nlohmann::json& input,
                                   const api::Caller& caller) {
  const api::Operation* op = find_operation(service, action);
  if (op == nullptr) return "(no operation)";
  if (op->resource == nullptr) return "*";
  api::CallContext context{*store_, settings_, caller, service, action, region_, "req-1", "127.0.0.1", now_, {}};
  return op->resource(context, input);
}

api::Caller IdentityTest::root() const {
  api::Caller c;
  c.kind = api::PrincipalKind::root;
  c.account_id = kAccount;
  c.arn = std::string("arn:aws:iam::") + kAccount + ":root";
  c.user_id = kAccount;
  return c;
}

std::pair<std::string, std::string> IdentityTest::user_with_key(const std::string& name) {
  auto created = iam("CreateUser", {{"UserName", name}});
  EXPECT_FALSE(created.error) << created.error->message;
  auto key = iam("CreateAccessKey", {{"UserName", name}});
  EXPECT_FALSE(key.error) << key.error->message;
  return {key.output["AccessKey"]["AccessKeyId"].get<std::string>(),
          key.output["AccessKey"]["SecretAccessKey"].get<std::string>()};
}

api::Caller IdentityTest::caller_of(const std::string& access_key_id) {
  auto resolved = resolve_access_key(*store_, settings_, access_key_id);
  EXPECT_TRUE(resolved.has_value()) << access_key_id;
  return resolved ? resolved->caller : api::Caller{};
}

void IdentityTest::put_user_policy(const std::string& user, const std::string& name, const std::string& document) {
  auto r = iam("PutUserPolicy", {{"UserName", user}, {"PolicyName", name}, {"PolicyDocument", document}});
  ASSERT_FALSE(r.error) << r.error->code << ": " << r.error->message;
}

void IdentityTest::put_role_policy(const std::string& role, const std::string& name, const std::string& document) {
  auto r = iam("PutRolePolicy", {{"RoleName", role}, {"PolicyName", name}, {"PolicyDocument", document}});
  ASSERT_FALSE(r.error) << r.error->code << ": " << r.error->message;
}

void IdentityTest::create_role(const std::string& name, const std::string& trust_document, int max_session) {
  auto r = iam("CreateRole",
               {{"RoleName", name}, {"AssumeRolePolicyDocument", trust_document}, {"MaxSessionDuration", max_session}});
  ASSERT_FALSE(r.error) << r.error->code << ": " << r.error->message;
}

std::string policy_doc(const std::string& effect, const std::string& action, const std::string& resource) {
  return nlohmann::json{{"Version", "2012-10-17"},
                        {"Statement", {{{"Effect", effect}, {"Action", action}, {"Resource", resource}}}}}
      .dump();
}

std::string trust_doc_aws(const std::string& principal) {
  return nlohmann::json{{"Version", "2012-10-17"},
                        {"Statement",
                         {{{"Effect", "Allow"}, {"Principal", {{"AWS", principal}}}, {"Action", "sts:AssumeRole"}}}}}
      .dump();
}

std::string trust_doc_service(const std::string& service) {
  return nlohmann::json{{"Version", "2012-10-17"},
                        {"Statement",
                         {{{"Effect", "Allow"}, {"Principal", {{"Service", service}}}, {"Action", "sts:AssumeRole"}}}}}
      .dump();
}

}  // namespace borealis::identity::testing
