// Google Benchmark for IAM DB auth token verification (issue 5 wants >= 200,000/s on one core with a
// warm signing-key cache): parse + all checks + signature, with the cache warm and cold, and the
// parser and the Authorization-header verifier for comparison. Single-threaded.
// Run (RelWithDebInfo, the default build type), pinned to one core:
//   taskset -c 1 build/src/sigv4/sigv4_bench
#include <benchmark/benchmark.h>

#include <string>

#include "crypto/hash.h"
#include "sigv4/signer.h"
#include "sigv4/verifier.h"

namespace {

using namespace borealis::sigv4;  // NOLINT: a benchmark is one file of calls into this namespace

const Seconds kNow = *parse_amz_date("20261128T123456Z");

SigningCredentials credentials(bool with_session) {
  SigningCredentials c{"AKIDEXAMPLEBOREALIS1", borealis::Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                       std::nullopt};
  if (with_session) c.session_token.emplace(std::string(800, 'T'));
  return c;
}

CredentialLookup lookup(bool with_session) {
  return [with_session](std::string_view) {
    Credentials c{borealis::Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), "arn:aws:iam::123456789012:user/alice",
                  std::nullopt, std::nullopt};
    if (with_session) c.session_token.emplace(std::string(800, 'T'));
    return std::optional<Credentials>(std::move(c));
  };
}

void verify_tokens(benchmark::State& state, bool warm, bool with_session) {
  const std::string token =
      generate_db_auth_token("db.example.internal", 5432, "alice", "us-east-1", credentials(with_session), kNow);
  const DbAuthRules rules{"db.example.internal", 5432, "us-east-1", "alice"};
  const CredentialLookup creds = lookup(with_session);
  SigningKeyCache cache;
  for (auto _ : state) {
    if (!warm) cache.clear();
    auto r = verify_db_auth_token(token, rules, creds, cache, kNow);
    if (!r.ok()) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_VerifyDbToken_Warm(benchmark::State& state) { verify_tokens(state, true, false); }
void BM_VerifyDbToken_Cold(benchmark::State& state) { verify_tokens(state, false, false); }
void BM_VerifyDbToken_SessionToken_Warm(benchmark::State& state) { verify_tokens(state, true, true); }

void BM_ParseDbToken(benchmark::State& state) {
  const std::string token =
      generate_db_auth_token("db.example.internal", 5432, "alice", "us-east-1", credentials(false), kNow);
  for (auto _ : state) {
    auto r = parse_db_auth_token(token);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_VerifyHeaderAuth_Warm(benchmark::State& state) {
  const std::string body = "Action=DescribeDBClusters&Version=2014-10-31";
  std::vector<Header> headers = {{"Host", "rds.us-east-1.amazonaws.com"},
                                 {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  const HttpRequestView unsigned_request{"POST", "/", "", headers, body};
  auto signed_headers = sign_headers(unsigned_request, credentials(false), "us-east-1", "rds", kNow);
  if (!signed_headers.ok()) {
    state.SkipWithError("signing failed");
    return;
  }
  for (const auto& [name, value] : signed_headers->headers) headers.push_back(Header{name, value});
  const HttpRequestView request{"POST", "/", "", headers, body};
  const HeaderAuthRules rules{"us-east-1", "rds"};
  const CredentialLookup creds = lookup(false);
  SigningKeyCache cache;
  for (auto _ : state) {
    auto r = verify_header_auth(request, rules, creds, cache, kNow);
    if (!r.ok()) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

// The crypto primitives one warm verification calls (SHA-256 twice, HMAC once), for scale.
void BM_CryptoSha256_400B(benchmark::State& state) {
  const std::string data(400, 'x');
  for (auto _ : state) benchmark::DoNotOptimize(borealis::crypto::sha256(data));
}
void BM_CryptoHmacSha256_200B(benchmark::State& state) {
  const std::string key(32, 'k');
  const std::string data(200, 'x');
  for (auto _ : state) benchmark::DoNotOptimize(borealis::crypto::hmac_sha256(key, data));
}

BENCHMARK(BM_CryptoSha256_400B);
BENCHMARK(BM_CryptoHmacSha256_200B);
BENCHMARK(BM_VerifyDbToken_Warm);
BENCHMARK(BM_VerifyDbToken_Cold);
BENCHMARK(BM_VerifyDbToken_SessionToken_Warm);
BENCHMARK(BM_ParseDbToken);
BENCHMARK(BM_VerifyHeaderAuth_Warm);

}  // namespace

BENCHMARK_MAIN();
