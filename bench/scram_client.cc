// SCRAM-SHA-256 client maths and message formats (what libpq's fe-auth-scram.c does). Errors name
// the rule that failed and never quote a message, which would carry the nonce and proof.
#include "bench/scram_client.h"

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "auth/scram.h"
#include "common/random.h"
#include "crypto/hash.h"

namespace borealis::bench {
namespace {

constexpr std::string_view kScram = "SCRAM-SHA-256";
constexpr std::string_view kScramPlus = "SCRAM-SHA-256-PLUS";
constexpr std::size_t kNonceBytes = 18;  // libpq's SCRAM_RAW_NONCE_LEN
// PostgreSQL accepts any positive count; a hostile server could ask for billions of PBKDF2 rounds
// and stall a load-generator thread. PostgreSQL's default is 4096.
constexpr int kMaxIterations = 1'000'000;

std::string_view as_view(const auth::Sha256Digest& d) { return {reinterpret_cast<const char*>(d.data()), d.size()}; }

// Reads "<name>=<value>" at the front of `msg` (value up to the next ',') and advances past it.
bool take_attribute(std::string_view& msg, char name, std::string_view& value) {
  if (msg.size() < 2 || msg[0] != name || msg[1] != '=') return false;
  const auto comma = msg.find(',', 2);
  value = msg.substr(2, comma == std::string_view::npos ? std::string_view::npos : comma - 2);
  msg.remove_prefix(comma == std::string_view::npos ? msg.size() : comma + 1);
  return true;
}

}  // namespace

ScramClient::ScramClient(Secret password, bool tls, std::string tls_end_point)
    : password_(std::move(password)), tls_(tls), tls_end_point_(std::move(tls_end_point)) {
  std::uint8_t raw[kNonceBytes];
  random::fill(raw);
  nonce_ = crypto::base64_encode(std::string_view(reinterpret_cast<const char*>(raw), sizeof raw));
}

void ScramClient::set_nonce_for_testing(std::string nonce) { nonce_ = std::move(nonce); }

Error ScramClient::fail(std::string why) {
  state_ = State::failed;
  return make_error(Errc::auth_failed, "SCRAM: " + std::move(why));
}

Result<std::string> ScramClient::choose_mechanism(const std::vector<std::string>& offered) {
  if (state_ != State::choose_mechanism) return fail("mechanism chosen twice");
  const auto has = [&](std::string_view m) { return std::find(offered.begin(), offered.end(), m) != offered.end(); };
  std::string mechanism;
  if (tls_ && !tls_end_point_.empty() && has(kScramPlus)) {
    mechanism = kScramPlus;
    gs2_header_ = "p=tls-server-end-point,,";
  } else if (has(kScram)) {
    mechanism = kScram;
    // "y": the client could bind but the server did not offer it (a downgrade the server detects).
    gs2_header_ = tls_ && !tls_end_point_.empty() ? "y,," : "n,,";
  } else {
    return fail("the server offers no SCRAM-SHA-256 mechanism");
  }
  client_first_bare_ = "n=,r=" + nonce_;  // PostgreSQL takes the user from the startup packet
  state_ = State::expect_server_first;
  return mechanism;
}

std::string ScramClient::client_first() const { return gs2_header_ + client_first_bare_; }

Result<std::string> ScramClient::on_server_first(std::string_view server_first) {
  if (state_ != State::expect_server_first) return fail("unexpected server-first-message");
  std::string_view rest = server_first, nonce, salt_b64, iterations_text;
  if (!take_attribute(rest, 'r', nonce) || !take_attribute(rest, 's', salt_b64) ||
      !take_attribute(rest, 'i', iterations_text)) {
    return fail("malformed server-first-message");
  }
  if (nonce.size() <= nonce_.size() || !nonce.starts_with(nonce_)) return fail("server nonce does not extend ours");
  auto salt = crypto::base64_decode(salt_b64);
  if (!salt || salt->empty()) return fail("malformed salt");
  int iterations = 0;
  const auto [end, ec] = std::from_chars(iterations_text.data(), iterations_text.data() + iterations_text.size(),
                                         iterations);
  if (ec != std::errc() || end != iterations_text.data() + iterations_text.size() || iterations < 1 ||
      iterations > kMaxIterations) {
    return fail("bad iteration count");
  }

  std::string channel_binding = gs2_header_;
  if (gs2_header_.starts_with("p=")) channel_binding += tls_end_point_;
  const std::string final_without_proof = "c=" + crypto::base64_encode(channel_binding) + ",r=" + std::string(nonce);
  const std::string auth_message =
      client_first_bare_ + "," + std::string(server_first) + "," + final_without_proof;

  const auth::ScramClientProof keys = auth::scram_client_proof(password_.reveal(), *salt, iterations, auth_message);
  expected_server_signature_ = std::string(as_view(keys.server_signature));

  state_ = State::expect_server_final;
  return final_without_proof + ",p=" + crypto::base64_encode(as_view(keys.proof));
}

Status ScramClient::on_server_final(std::string_view server_final) {
  if (state_ != State::expect_server_final) return fail("unexpected server-final-message");
  std::string_view rest = server_final, value;
  if (take_attribute(rest, 'e', value)) return fail("server reported error " + std::string(value));
  if (!take_attribute(rest, 'v', value)) return fail("malformed server-final-message");
  auto signature = crypto::base64_decode(value);
  if (!signature || !crypto::constant_time_equal(*signature, expected_server_signature_)) {
    return fail("server signature does not match (the server does not know the verifier)");
  }
  state_ = State::succeeded;
  return ok_status();
}

}  // namespace borealis::bench
