// SCRAM-SHA-256 key derivation and PostgreSQL's verifier text format. Pure functions; error messages
// describe which part of a verifier is malformed but never quote it (it is a password equivalent).
#include "auth/scram.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstring>

#include "crypto/hash.h"

namespace borealis::auth {
namespace {

constexpr std::string_view kScramPrefix = "SCRAM-SHA-256$";
// PostgreSQL's SCRAM_DEFAULT_SALT_LEN and SCRAM_DEFAULT_ITERATIONS: a mock verifier must look like a
// default real one, or the exchange would tell an observer which roles exist.
constexpr std::size_t kMockSaltBytes = 16;
constexpr int kMockIterations = 4096;

Sha256Digest to_key(const crypto::Digest32& d) {
  Sha256Digest out{};
  std::copy(d.begin(), d.end(), out.begin());
  return out;
}

std::string_view key_view(const Sha256Digest& k) { return {reinterpret_cast<const char*>(k.data()), k.size()}; }

Error malformed(const char* what) {
  return make_error(Errc::unsupported, std::string("not a SCRAM-SHA-256 verifier: ") + what);
}

Result<Sha256Digest> decode_key(std::string_view b64, const char* what) {
  auto raw = crypto::base64_decode(b64);
  if (!raw || raw->size() != std::tuple_size_v<Sha256Digest>) return malformed(what);
  Sha256Digest out{};
  std::memcpy(out.data(), raw->data(), out.size());
  return out;
}

// SASLprep (RFC 4013) as far as borealis implements it. PostgreSQL's pg_saslprep returns a pure
// ASCII password unchanged, and uses the raw bytes when normalisation fails. LIMITATION: for a
// non-ASCII password that NFKC normalisation would change (e.g. one containing U+00A0 or full-width
// letters), PostgreSQL derives the keys from the normalised string and borealis from the raw bytes, so
// such a verifier made here would not match a libpq client. Full SASLprep is out of scope for now.
std::string_view prepare_password(std::string_view password) { return password; }

}  // namespace

Result<ScramVerifier> parse_scram_verifier(std::string_view rolpassword) {
  // Like PostgreSQL's parse_scram_secret: "SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>".
  if (!rolpassword.starts_with(kScramPrefix)) return make_error(Errc::unsupported, "not a SCRAM-SHA-256 verifier");
  std::string_view rest = rolpassword.substr(kScramPrefix.size());
  const auto dollar = rest.find('$');
  if (dollar == std::string_view::npos) return malformed("missing '$'");
  const std::string_view params = rest.substr(0, dollar);
  const std::string_view keys = rest.substr(dollar + 1);
  const auto colon1 = params.find(':');
  const auto colon2 = keys.find(':');
  if (colon1 == std::string_view::npos || colon2 == std::string_view::npos) return malformed("missing ':'");

  ScramVerifier v;
  const std::string_view iter = params.substr(0, colon1);
  const auto [end, ec] = std::from_chars(iter.data(), iter.data() + iter.size(), v.iterations);
  if (iter.empty() || ec != std::errc() || end != iter.data() + iter.size() || v.iterations < 1) {
    return malformed("bad iteration count");
  }
  auto salt = crypto::base64_decode(params.substr(colon1 + 1));
  if (!salt || salt->empty()) return malformed("bad salt");
  v.salt = std::move(*salt);
  auto stored = decode_key(keys.substr(0, colon2), "bad StoredKey");
  if (!stored) return std::move(stored).error();
  auto server = decode_key(keys.substr(colon2 + 1), "bad ServerKey");
  if (!server) return std::move(server).error();
  v.stored_key = *stored;
  v.server_key = *server;
  return v;
}

std::string format_scram_verifier(const ScramVerifier& v) {
  return std::string(kScramPrefix) + std::to_string(v.iterations) + ":" + crypto::base64_encode(v.salt) + "$" +
         crypto::base64_encode(key_view(v.stored_key)) + ":" + crypto::base64_encode(key_view(v.server_key));
}

ScramVerifier make_scram_verifier(std::string_view password, std::string_view salt, int iterations) {
  const crypto::Digest32 salted = crypto::pbkdf2_sha256(prepare_password(password), salt, iterations);
  const crypto::Digest32 client_key = crypto::hmac_sha256(crypto::as_view(salted), "Client Key");
  ScramVerifier v;
  v.iterations = iterations;
  v.salt = std::string(salt);
  v.stored_key = to_key(crypto::sha256(crypto::as_view(client_key)));
  v.server_key = to_key(crypto::hmac_sha256(crypto::as_view(salted), "Server Key"));
  return v;
}

ScramClientProof scram_client_proof(std::string_view password, std::string_view salt, int iterations,
                                    std::string_view auth_message) {
  const crypto::Digest32 salted = crypto::pbkdf2_sha256(prepare_password(password), salt, iterations);
  const crypto::Digest32 client_key = crypto::hmac_sha256(crypto::as_view(salted), "Client Key");
  const crypto::Digest32 stored_key = crypto::sha256(crypto::as_view(client_key));
  const crypto::Digest32 client_signature = crypto::hmac_sha256(crypto::as_view(stored_key), auth_message);
  const crypto::Digest32 server_key = crypto::hmac_sha256(crypto::as_view(salted), "Server Key");
  ScramClientProof out;
  for (std::size_t i = 0; i < out.proof.size(); ++i) out.proof[i] = client_key[i] ^ client_signature[i];
  out.server_signature = to_key(crypto::hmac_sha256(crypto::as_view(server_key), auth_message));
  return out;
}

ScramVerifier make_mock_verifier(std::string_view username, std::string_view mock_secret) {
  std::string seed(mock_secret);
  seed.append(username);
  const crypto::Digest32 salt = crypto::sha256(seed);
  ScramVerifier v;
  v.iterations = kMockIterations;
  v.salt = std::string(crypto::as_view(salt).substr(0, kMockSaltBytes));
  // Keys from a MAC keyed by the secret: stable per user, unpredictable without the secret. The
  // exchange is doomed anyway (ScramServer with mock=true fails at the final step whatever the proof).
  std::string user(username);
  v.stored_key = to_key(crypto::hmac_sha256(mock_secret, "mock StoredKey\x1f" + user));
  v.server_key = to_key(crypto::hmac_sha256(mock_secret, "mock ServerKey\x1f" + user));
  return v;
}

}  // namespace borealis::auth
