// libFuzzer entry for the IAM policy parser and evaluator. Parses arbitrary bytes as both an identity
// and a trust policy (at the largest quota), and evaluates whatever parses against a fixed set of
// requests (rds-db:connect with variables and context keys, a multi-valued key, an empty context),
// checking the invariants the API and gateway rely on: no crash or sanitizer report, an explicit
// Deny always names its statement, an Allow never appears without a statement, and evaluation is
// deterministic. Seed corpus: testdata/*.json.
// It must never write anything to disk itself; libFuzzer's corpus handling is the caller's choice.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "common/fuzz_check.h"
#include "iam/evaluator.h"
#include "iam/policy.h"
#include "iam/trust.h"

namespace {

using namespace borealis::iam;  // NOLINT: a fuzzer is one file of calls into this namespace

void check_evaluations(const Policy& policy) {
  static const RequestContext* const kRequests = [] {
    static RequestContext r[3];
    r[0].action = "rds-db:connect";
    r[0].resource = "arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ/alice";
    r[0].keys.set("aws:username", "alice");
    r[0].keys.set("aws:CurrentTime", "2026-11-28T15:00:00Z");
    r[0].keys.set("aws:SourceIp", "10.1.2.3");
    r[0].keys.set("aws:SecureTransport", "true");
    r[0].keys.set("aws:PrincipalArn", "arn:aws:iam::123456789012:user/alice");
    r[1].action = "rds:CreateDBCluster";
    r[1].resource = "arn:aws:rds:us-east-1:123456789012:cluster:c1";
    r[1].keys.set_all("aws:TagKeys", {"env", "team", "*"});
    r[1].keys.set("aws:username", "*");
    r[2].action = "ds:AuthorizeApplication";
    r[2].resource = "*";
    return r;
  }();
  PolicyRef refs[] = {{"fuzz", &policy}};
  for (int i = 0; i < 3; ++i) {
    const Evaluation e = evaluate(refs, kRequests[i]);
    FUZZ_CHECK((e.decision == Decision::implicit_deny) == !e.decided_by.has_value());
    if (e.decided_by) FUZZ_CHECK(e.decided_by->statement_index < policy.statements.size());
    const Evaluation again = evaluate(refs, kRequests[i]);
    FUZZ_CHECK(again.decision == e.decision);
    (void)e.describe(kRequests[i].action);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto identity = parse_policy(text, PolicyKind::identity, kRoleInlinePolicyMaxChars);
  if (identity.ok()) {
    FUZZ_CHECK(!identity->statements.empty() && identity->statements.size() <= kMaxStatements);
    for (const auto& s : identity->statements) FUZZ_CHECK(!s.has_principal && s.has_resource && !s.actions.empty());
    check_evaluations(*identity);
  } else {
    FUZZ_CHECK(!identity.error().message.empty());
  }
  auto trust = parse_policy(text, PolicyKind::trust, kRoleInlinePolicyMaxChars);
  if (trust.ok()) {
    for (const auto& s : trust->statements) FUZZ_CHECK(s.has_principal && !s.has_resource);
    (void)check_trust(*trust, "fuzz", TrustPrincipal{TrustPrincipal::Kind::service, "rds.amazonaws.com"});
    (void)check_trust(*trust, "fuzz", TrustPrincipal{TrustPrincipal::Kind::aws, "arn:aws:iam::123456789012:user/a"});
    (void)trusts_rds_for_domain_join(*trust);
  }
  return 0;
}
