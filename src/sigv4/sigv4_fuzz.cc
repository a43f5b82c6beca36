// libFuzzer entry for the sigv4 parsers that see untrusted text: the IAM DB auth token (a password
// from the network), the Authorization header, the canonical query builder and the timestamp parser.
// Beyond "no crash, no out-of-bounds read" (ASan/UBSan) it checks what the verifier relies on: a
// parsed token has a port in 1..65535, a non-empty host of [A-Za-z0-9.-], an algorithm of
// AWS4-HMAC-SHA256 and a 64-hex signature; a parsed header's signed headers are sorted and unique;
// a full verification of anything never succeeds without the right key (the lookup here knows only a
// key nobody could sign with, since the fuzzer cannot produce its HMAC).
// It must never write anything to disk itself; libFuzzer's corpus handling is the caller's choice.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "common/fuzz_check.h"
#include "sigv4/amz_date.h"
#include "sigv4/authorization.h"
#include "sigv4/canonical.h"
#include "sigv4/encoding.h"
#include "sigv4/presigned.h"
#include "sigv4/verifier.h"

namespace {

using namespace borealis::sigv4;  // NOLINT: a fuzzer is one file of calls into this namespace

void check_token(std::string_view input) {
  auto parsed = parse_db_auth_token(input);
  if (!parsed) return;
  const DbAuthToken& t = parsed.value();
  FUZZ_CHECK(input.size() <= kMaxDbAuthTokenLength);
  FUZZ_CHECK(t.port >= 1);
  FUZZ_CHECK(!t.host.empty() && t.host.size() <= kMaxHostLength);
  FUZZ_CHECK(t.algorithm == kAlgorithm);
  FUZZ_CHECK(t.signature.size() == kSignatureHexLength && is_lower_hex(t.signature));
  FUZZ_CHECK(!t.signed_headers.empty());
  FUZZ_CHECK(!db_auth_token_canonical_query(t).empty());

  static SigningKeyCache cache(64);
  const CredentialLookup lookup = [](std::string_view) {
    return std::optional<Credentials>(Credentials{borealis::Secret("fuzz-secret"), "fuzz", std::nullopt, std::nullopt});
  };
  const DbAuthRules rules{t.host, t.port, t.credential.region, t.db_user};
  auto verified = check_db_auth_token(t, rules, lookup, cache, t.date);
  FUZZ_CHECK(!verified.ok());
}

void check_authorization(std::string_view input) {
  auto parsed = parse_authorization(input);
  if (!parsed) return;
  FUZZ_CHECK(parsed->signature.size() == kSignatureHexLength);
  for (std::size_t i = 1; i < parsed->signed_headers.size(); ++i) {
    FUZZ_CHECK(parsed->signed_headers[i - 1] < parsed->signed_headers[i]);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_token(input);
  check_authorization(input);
  (void)canonical_query_string(input, true);
  if (auto decoded = percent_decode(input)) {
    FUZZ_CHECK(percent_decode(uri_encode(*decoded, false)) == decoded);
  }
  if (auto t = parse_amz_date(input)) FUZZ_CHECK(format_amz_date(*t) == input);
  (void)normalize_path(input);
  (void)trim_all(input);
  return 0;
}
