// SCRAM-SHA-256 (RFC 5802 / RFC 7677) mathematics and PostgreSQL's stored verifier format
// "SCRAM-SHA-256$<iterations>:<base64 salt>$<base64 StoredKey>:<base64 ServerKey>". Pure, no state.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace borealis::auth {

using Sha256Digest = std::array<std::uint8_t, 32>;

struct ScramVerifier {
  int iterations = 4096;
  std::string salt;  // raw bytes
  Sha256Digest stored_key{};
  Sha256Digest server_key{};
};

// Parses rolpassword. Anything else (md5..., plain text, NULL) is Errc::unsupported.
Result<ScramVerifier> parse_scram_verifier(std::string_view rolpassword);
// Formats a verifier the way PostgreSQL stores it (so `CREATE ROLE … PASSWORD '<this>'` keeps it).
std::string format_scram_verifier(const ScramVerifier& v);
// Derives a verifier from a password (SASLprep is applied like PostgreSQL: ASCII passwords as-is;
// a password that fails normalisation is used as raw bytes, which is what PostgreSQL does).
ScramVerifier make_scram_verifier(std::string_view password, std::string_view salt, int iterations);
// The client's side of one exchange (RFC 5802 section 3): the ClientProof it sends and the
// ServerSignature it must get back, for `auth_message` (client-first-bare "," server-first ","
// client-final-without-proof). For clients the project itself runs: the load generator and tests.
struct ScramClientProof {
  Sha256Digest proof{};
  Sha256Digest server_signature{};
};
ScramClientProof scram_client_proof(std::string_view password, std::string_view salt, int iterations,
                                    std::string_view auth_message);
// A deterministic fake verifier for a role that does not exist (or must not log in with a password),
// so the exchange looks the same as for a real role: salt = SHA-256(mock_secret || username) truncated
// to 16 bytes, iterations 4096, random-looking keys that no password matches.
ScramVerifier make_mock_verifier(std::string_view username, std::string_view mock_secret);

}  // namespace borealis::auth
