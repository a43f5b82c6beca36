// What one GSSAPI handshake step produces (shared by Acceptor and Initiator), the token size cap,
// and per-message protection (gss_wrap / gss_unwrap) on an established context.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/secret.h"
#include "krb/gss.h"

namespace borealis::krb {

// Cap on one handshake token from the peer. PostgreSQL carries each GSSResponse in one message and
// an Active Directory service ticket embeds a PAC (group SIDs) that can reach tens of KiB, so 64 KiB
// fits real tickets while bounding what an unauthenticated peer makes us buffer and parse.
inline constexpr std::size_t kMaxHandshakeTokenBytes = 64 * 1024;

// Cap on one wrapped message handed to unwrap. gssenc packets are at most 16384 bytes including
// their 4-byte length (PQ_GSS_MAX_PACKET_SIZE); we accept up to the handshake cap so other framings
// fit, and the gssenc codec enforces its own tighter limit before calling us.
inline constexpr std::size_t kMaxWrappedTokenBytes = kMaxHandshakeTokenBytes;

struct Step {
  enum class Outcome {
    continue_needed,  // send output_token to the peer and wait for its next token
    complete,         // context established; send output_token first if it is not empty
    failed,           // exchange over; log log_reason, send the client only client_reason
  } outcome = Outcome::failed;
  Secret output_token;       // handshake bytes: never logged (Secret has no formatter)
  std::string log_reason;    // GSS major + minor text, for the server log only
  std::string client_reason; // short and generic: safe to put in an ErrorResponse
};

// gss_wrap. With `confidential`, fails unless the mechanism really encrypted (conf_state != 0).
Result<std::string> wrap_message(const GssContext& context, std::string_view plaintext, bool confidential);

// Largest plaintext whose gss_wrap token fits in `max_token_bytes` (gss_wrap_size_limit); gssenc
// asks for 16384 - 4 so every wrapped packet, with its length word, stays within PostgreSQL's cap.
Result<std::size_t> max_plaintext_for(const GssContext& context, std::size_t max_token_bytes, bool confidential);

// gss_unwrap. With `require_confidentiality` a token that was only integrity-protected
// (conf_state == 0) is refused — gssenc must never accept plaintext-equivalent packets. Any
// supplementary status (duplicate, old, out-of-sequence token) is refused too.
Result<std::string> unwrap_message(const GssContext& context, std::string_view token, bool require_confidentiality);

}  // namespace borealis::krb
